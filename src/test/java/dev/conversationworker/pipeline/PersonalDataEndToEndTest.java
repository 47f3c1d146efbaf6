package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.PlantedPersonalData;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * Through the real broker, Redis and LLM simulator, with the default settings: the simulator records every prompt
 * and, like a real model, quotes the customer back in its analysis. No planted personal value appears in any
 * prompt, analysis or notification; what an analysis needs is still sent; placeholders are consistent.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class PersonalDataEndToEndTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Test
    void noPlantedValueReachesAPromptAnAnalysisOrANotification() {
        String token = letters("pii");
        llm.quoteCustomer(token);
        List<String> conversations = sendPlantedConversations(token);

        await().atMost(Duration.ofSeconds(30)).until(() -> conversations.stream()
                .allMatch(c -> kafka.values("conversation-analyses", c).size() == 1));
        List<String> prompts = llm.calls(token).stream().map(call -> call.request().encode()).toList();
        List<JsonObject> analyses = conversations.stream()
                .flatMap(c -> kafka.values("conversation-analyses", c).stream()).toList();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !kafka.records("oncall-notifications", conversations.get(0)).isEmpty());
        List<String> notifications = conversations.stream()
                .flatMap(c -> kafka.records("oncall-notifications", c).stream())
                .map(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)).toList();

        assertThat(prompts).as("one prompt per conversation at least").hasSizeGreaterThanOrEqualTo(3);
        PlantedPersonalData.leakForms().forEach(value -> {
            assertThat(prompts).as("prompts").noneMatch(p -> p.contains(json(value)));
            assertThat(analyses).as("analyses").noneMatch(a -> a.encode().contains(json(value)));
            assertThat(notifications).as("notifications").noneMatch(n -> n.contains(json(value)));
        });
        String allPrompts = String.join("\n", prompts);
        PlantedPersonalData.KEPT.forEach(kept -> assertThat(allPrompts).as("kept for the analysis").contains(kept));

        JsonObject first = analyses.get(0);
        assertThat(first.getJsonObject("result").getString("summary")).as("the model quoted the placeholders")
                .contains("<NAME_1>").contains("<CARD_1>").contains("<EMAIL_1>").contains("<PHONE_1>")
                .contains("<SSN_1>").contains("<IBAN_1>");
        assertThat(first.getJsonObject("pseudonymisation").getString("status")).isEqualTo("applied");
        assertThat(first.getJsonObject("pseudonymisation").getBoolean("restored")).isFalse();
        assertThat(first.getJsonObject("pseudonymisation").getJsonObject("replaced").getMap())
                .containsEntry("email", 1).containsEntry("card", 1).containsEntry("iban", 1).containsEntry("ssn", 1)
                .containsEntry("phone", 1).containsEntry("name", 2);
        // Chat text is neutralised (no markup, no mentions): a placeholder reads ‹CARDˍ1› there.
        assertThat(notifications).as("the fraud conversation paged, with placeholders")
                .anyMatch(n -> n.contains("‹CARDˍ1›"));

        // The user message only: the system message names placeholders as examples.
        String third = llm.calls(token).stream().map(PersonalDataEndToEndTest::conversationOf)
                .filter(p -> p.contains("cannot log in")).findFirst().orElseThrow();
        assertThat(third).as("one phone written two ways is one placeholder").contains("<PHONE_1>")
                .doesNotContain("<PHONE_2>");
        assertThat(third).as("placeholders typed by the customer are neutralised").contains("‹EMAIL_1›")
                .contains("‹PHONE_9›").doesNotContain("<EMAIL_1>").doesNotContain("<PHONE_9>");
        assertThat(analyses.get(2).getJsonObject("pseudonymisation").getJsonObject("replaced").getMap())
                .containsEntry("ip_address", 2).containsEntry("phone", 1);
    }

    @Test
    void aValueKeepsItsPlaceholderInALaterAnalysisThatNoLongerReadsWhereItFirstCame() {
        String token = letters("later");
        String conversation = Events.newConversationId("pii-later");
        kafka.send(conversation, Events.message("m0-" + conversation, conversation, "user",
                "Hello " + token + ", my address is old@example.com").encode());
        kafka.send(conversation, Events.analysisRequested("req-" + conversation, conversation).encode());
        for (int i = 1; i <= 4; i++) { // 4 x 3,900 characters: more than formatting.max-chars pushes m0 out
            kafka.send(conversation, Events.message("m" + i + "-" + conversation, conversation, "user",
                    token + " " + "long story ".repeat(354)).encode());
        }
        kafka.send(conversation, Events.message("m5-" + conversation, conversation, "user",
                "New address new@example.com; the old one was old@example.com").encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        await().atMost(Duration.ofSeconds(30))
                .until(() -> kafka.values("conversation-analyses", conversation).size() == 2);
        String first = llm.calls(token).stream().map(PersonalDataEndToEndTest::conversationOf)
                .filter(p -> p.contains("my address is")).findFirst().orElseThrow();
        String later = llm.calls(token).stream().map(PersonalDataEndToEndTest::conversationOf)
                .filter(p -> p.contains("New address")).findFirst().orElseThrow();

        assertThat(first).contains("my address is <EMAIL_1>");
        assertThat(later).as("the first message is not read again").doesNotContain("my address is")
                .contains("New address <EMAIL_2>; the old one was <EMAIL_1>");
    }

    private List<String> sendPlantedConversations(String token) {
        List<String> ids = new ArrayList<>();
        int n = 0;
        for (List<String> messages : PlantedPersonalData.CONVERSATIONS) {
            String conversation = Events.newConversationId("pii-" + n++);
            ids.add(conversation);
            PlantedPersonalData.send(kafka, conversation, messages, token);
        }
        return ids;
    }

    /** The user message of a call: the conversation, between its markers. */
    private static String conversationOf(LlmSimulator.Call call) {
        var messages = call.request().getJsonArray("messages");
        return messages.getJsonObject(messages.size() - 1).getString("content");
    }

    /** As the value appears inside a JSON string (the prompts are compared as JSON text). */
    private static String json(String value) {
        String quoted = new JsonObject().put("v", value).encode();
        return quoted.substring(6, quoted.length() - 2);
    }

    /** A token of letters only: nothing a pseudonymiser would take for a number, and unique to this run. */
    static String letters(String prefix) {
        Random random = new Random();
        StringBuilder token = new StringBuilder(prefix);
        for (int i = 0; i < 10; i++) {
            token.append((char) ('a' + random.nextInt(26)));
        }
        return token.toString();
    }
}
