package dev.conversationworker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

/**
 * The packages form one direction, as the README draws them: shared data types ({@code model}) at the bottom,
 * small helpers ({@code support}, {@code ops}) above them, the stages of the pipeline above those, and the
 * {@code pipeline}, which wires the stages together, on top. Nothing depends on {@code pipeline}. Among the
 * stages, {@code history} owns the Redis key space (its prefix and hash tags), which {@code notification},
 * {@code waiting} and {@code analysis} (the fleet's LLM budget) use, and {@code waiting} tells on-call through {@code notification}. {@code idle} (the idle
 * schedule) uses the key space of {@code history}, whose append script arms it. {@code http} (the one HTTP
 * transport and {@code Retry-After} reader) serves the two stages that call out: {@code analysis} and
 * {@code delivery}; {@code googlechat} (Google Chat's message format and limits) serves the two that write Chat
 * messages: {@code notification} and {@code delivery}. {@code schedule} is what the two leased schedules,
 * {@code waiting} and {@code idle}, share (the claims, the poller, the {@code analysis} configuration);
 * {@code pipeline} runs them. {@code pseudonymise} (personal data replaced before the LLM) is pure logic over
 * {@code support}'s prompt-safe text, for {@code analysis} and {@code pipeline}.
 */
class PackageDependenciesTest {

    private static final String ROOT = "dev.conversationworker";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void noCyclesBetweenPackages() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void dependenciesPointDownward() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("support").definedBy(ROOT + ".support..", ROOT + ".ops..");
        for (String stage : List.of("model", "http", "googlechat", "pseudonymise", "ingest", "history", "formatting",
                "analysis",
                "publishing", "notification", "schedule", "waiting", "idle", "pipeline", "delivery")) {
            layers = layers.layer(stage).definedBy(ROOT + "." + stage + "..");
        }
        layers
                .whereLayer("delivery").mayNotBeAccessedByAnyLayer()
                .whereLayer("pipeline").mayNotBeAccessedByAnyLayer()
                .whereLayer("waiting").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("schedule").mayOnlyBeAccessedByLayers("waiting", "idle", "pipeline")
                .whereLayer("idle").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("notification").mayOnlyBeAccessedByLayers("waiting", "pipeline")
                .whereLayer("publishing").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("analysis").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("formatting").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("history").mayOnlyBeAccessedByLayers("analysis", "notification", "waiting", "idle",
                        "pipeline")
                .whereLayer("ingest").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("http").mayOnlyBeAccessedByLayers("analysis", "delivery")
                .whereLayer("googlechat").mayOnlyBeAccessedByLayers("notification", "delivery")
                .whereLayer("pseudonymise").mayOnlyBeAccessedByLayers("analysis", "pipeline")
                .whereLayer("support")
                .mayOnlyBeAccessedByLayers("pseudonymise", "ingest", "history", "formatting", "analysis",
                        "publishing", "notification", "schedule", "waiting", "idle", "pipeline", "delivery")
                .check(CLASSES);
    }

    /** Delivery is a stage of its own: it reads the notifications topic, and uses only the shared layers below. */
    @Test
    void deliveryUsesOnlyTheSharedTypesAndHelpers() {
        dependsOnNoneOf("delivery", "ingest", "history", "formatting", "analysis", "publishing", "notification",
                "schedule", "waiting", "idle", "pipeline");
    }

    /** Pure logic: no stage, no transport; only the shared types and the prompt-safe text of {@code support}. */
    @Test
    void pseudonymisingUsesOnlyTheSharedTypesAndHelpers() {
        dependsOnNoneOf("pseudonymise", "ingest", "history", "formatting", "analysis", "publishing", "notification",
                "schedule", "waiting", "idle", "pipeline", "delivery", "ops", "http", "googlechat");
    }

    @Test
    void theSharedDataTypesDependOnNothingElseOfOurs() {
        dependsOnNoneOf("model", "ingest", "history", "formatting", "analysis", "publishing", "notification",
                "schedule", "waiting", "idle", "pipeline", "delivery", "support", "ops", "http", "googlechat",
                "pseudonymise");
    }

    private static void dependsOnNoneOf(String dependent, String... dependencies) {
        noClasses().that().resideInAPackage(ROOT + "." + dependent + "..").should().dependOnClassesThat()
                .resideInAnyPackage(Arrays.stream(dependencies).map(p -> ROOT + "." + p + "..")
                        .toArray(String[]::new))
                .check(CLASSES);
    }
}
