package dev.conversationworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Kubernetes manifests in {@code deploy/} cannot rot: every file parses, every overlay names files that exist,
 * every environment variable they set is a real setting of the worker, and the probes ask the real health paths.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> HEALTH_PATHS = Set.of("/q/health/live", "/q/health/ready", "/q/health/started");
    /** Quarkus' own variables that the README does not list as the worker's settings. */
    private static final Set<String> QUARKUS_VARIABLES = Set.of("QUARKUS_PROFILE");

    @Test
    void everyManifestParsesAndEveryOverlayNamesFilesThatExist() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).extracting(Path::toString).contains("deploy/base/kustomization.yaml",
                "deploy/overlays/dev/kustomization.yaml", "deploy/overlays/prod/kustomization.yaml");
        for (Path file : files) {
            assertThat(documents(file)).as(file.toString()).isNotEmpty()
                    .allSatisfy(doc -> assertThat(doc.path("kind").asText()).as("kind in " + file).isNotBlank());
            if (file.getFileName().toString().equals("kustomization.yaml")) {
                JsonNode kustomization = documents(file).get(0);
                for (JsonNode resource : kustomization.path("resources")) {
                    assertThat(file.resolveSibling(resource.asText())).as(file + " → " + resource).exists();
                }
                for (JsonNode patch : kustomization.path("patches")) {
                    assertThat(file.resolveSibling(patch.path("path").asText())).as(file + " → patch").exists();
                }
            }
        }
    }

    @Test
    void everyEnvironmentVariableIsASettingOfTheWorker() throws IOException {
        Set<String> known = knownVariables();
        List<String> used = new ArrayList<>();
        for (Path file : yamlFiles()) {
            for (JsonNode doc : documents(file)) {
                if (doc.path("kind").asText().equals("ConfigMap")) {
                    doc.path("data").fieldNames().forEachRemaining(used::add);
                }
                for (JsonNode container : doc.path("spec").path("template").path("spec").path("containers")) {
                    container.path("env").forEach(env -> used.add(env.path("name").asText()));
                }
            }
        }
        assertThat(used).isNotEmpty().allSatisfy(name -> assertThat(known).as("a setting named " + name)
                .contains(name));
    }

    @Test
    void theProbesAskTheRealHealthPathsAndTheGracePeriodOutlastsTheDrain() throws IOException {
        JsonNode deployment = documents(DEPLOY.resolve("base/deployment.yaml")).get(0);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode worker = pod.path("containers").get(0);
        for (String probe : new String[]{"startupProbe", "livenessProbe", "readinessProbe"}) {
            assertThat(worker.path(probe).path("httpGet").path("path").asText()).as(probe).isIn(HEALTH_PATHS);
        }
        assertThat(worker.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(worker.path("readinessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/q/health/ready");
        // worker.shutdown-timeout is 20 s; Kubernetes kills the pod after the grace period.
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(20);
        assertThat(Files.readString(DEPLOY.resolve("base/deployment.yaml"))).doesNotContainPattern("sk-[A-Za-z0-9]");
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return docs.readAll().stream().filter(doc -> doc != null && !doc.isEmpty()).toList();
        }
    }

    /** The worker's settings as environment variables: its application.properties and the README's table. */
    private static Set<String> knownVariables() throws IOException {
        Set<String> keys = new HashSet<>();
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        properties.stringPropertyNames().forEach(key -> keys.add(key.replaceFirst("^%[a-z]+\\.", "")));
        Set<String> variables = new HashSet<>(QUARKUS_VARIABLES);
        // Variables a property reads by name, as in ${OTEL_EXPORTER_OTLP_ENDPOINT: }.
        Pattern reference = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
        for (String key : properties.stringPropertyNames()) {
            for (Matcher name = reference.matcher(properties.getProperty(key)); name.find();) {
                variables.add(name.group(1));
            }
        }
        // The first cell of each row of the configuration table: `a.b.c` / `.d` / `a.b.e` (".d" is a sibling of c).
        Matcher firstCell = Pattern.compile("(?m)^\\| (`[a-z.][^|]*)\\|").matcher(Files.readString(Path.of(
                "README.md")));
        Pattern token = Pattern.compile("`([a-z.][a-z0-9.-]+)`");
        while (firstCell.find()) {
            String parent = "";
            for (Matcher key = token.matcher(firstCell.group(1)); key.find();) {
                String name = key.group(1);
                if (name.startsWith(".")) {
                    keys.add(parent + name.substring(1));
                } else {
                    keys.add(name);
                    parent = name.substring(0, name.lastIndexOf('.') + 1);
                }
            }
        }
        keys.forEach(key -> variables.add(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
        return variables;
    }
}
