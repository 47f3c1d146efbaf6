package dev.conversationworker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/** The baseline mode, one event at a time per partition, still does the whole job. */
@QuarkusTest
@TestProfile(PartitionOrderingTest.PartitionOrdering.class)
class PartitionOrderingTest {

    public static class PartitionOrdering extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("worker.ordering", "partition");
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void conversationsAreAnalysedInPartitionOrder() {
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String c = Events.newConversationId("baseline" + i);
            conversations.add(c);
            kafka.send(c, Events.message("m-" + c, c, "user", "hi").encode());
            kafka.send(c, Events.analysisRequested("req-" + c, c).encode());
            kafka.send(c, Events.closed("close-" + c, c).encode());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> conversations.stream()
                .allMatch(c -> kafka.records("conversation-analyses", c).size() == 2));
        for (String c : conversations) {
            assertThat(kafka.values("conversation-analyses", c)).extracting(a -> a.getString("trigger"))
                    .containsExactly("analysis.requested", "conversation.closed");
        }
    }
}
