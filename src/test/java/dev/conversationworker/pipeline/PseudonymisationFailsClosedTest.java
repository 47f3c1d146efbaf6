package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.pseudonymise.Pseudonymiser;
import dev.conversationworker.pseudonymise.Pseudonyms;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.PlantedPersonalData;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * The pseudonymiser broken on purpose, with an LLM configured and up: the LLM receives nothing of the
 * conversation; the offline analyzer answers, quoting nothing the customer wrote, and the analysis says so.
 */
@QuarkusTest
@TestProfile(PseudonymisationFailsClosedTest.Broken.class)
class PseudonymisationFailsClosedTest {

    /** A pseudonymiser that fails as a bug would (the failure's message quotes the text, as some do). */
    // Enabled by the profile only: an @Priority would select it for every test of the build.
    @Alternative
    @Singleton
    static class BrokenPseudonymiser extends Pseudonymiser {

        @Override
        public String pseudonymise(String text, Pseudonyms pseudonyms) {
            throw new IllegalStateException("cannot handle " + text);
        }
    }

    public static class Broken extends WithLlm {

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(BrokenPseudonymiser.class);
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Inject
    MeterRegistry registry;

    @Test
    void theLlmReceivesNothingAndTheOfflineAnalysisQuotesNoOne() {
        String token = PersonalDataEndToEndTest.letters("broken");
        String conversation = Events.newConversationId("pii-broken");
        List<String> messages = PlantedPersonalData.CONVERSATIONS.get(0);
        PlantedPersonalData.send(kafka, conversation, messages, token);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> kafka.values("conversation-analyses", conversation).size() == 1);
        JsonObject analysis = kafka.values("conversation-analyses", conversation).get(0);

        assertThat(llm.calls(token)).as("calls to the LLM with any of this conversation").isEmpty();
        assertThat(analysis.getString("provider")).isEqualTo("offline");
        assertThat(analysis.getString("status")).isEqualTo("degraded");
        assertThat(analysis.getJsonObject("pseudonymisation").getString("status")).isEqualTo("failed");
        assertThat(analysis.getJsonObject("result").getJsonArray("userQuestions")).isEmpty();
        assertThat(analysis.getJsonObject("result").getString("summary")).doesNotContain(token)
                .doesNotContain("opened with");
        assertThat(analysis.getJsonObject("result").getBoolean("needsAttention")).as("still judged: fraud").isTrue();
        PlantedPersonalData.leakForms()
                .forEach(value -> assertThat(analysis.encode()).doesNotContain(value));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !kafka.records("oncall-notifications", conversation).isEmpty());
        assertThat(kafka.records("oncall-notifications", conversation))
                .allSatisfy(r -> assertThat(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                        .doesNotContain(token).doesNotContain("Jane Doe").doesNotContain("4111"));
        assertThat(registry.get("cw.pseudonymise.failures").tag("where", "analysis").counter().count())
                .isGreaterThanOrEqualTo(1);
    }
}
