package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/**
 * A conversation id is the producer's text: in the lines that name it (CW0202, CW0203) its line breaks are escaped,
 * so a producer cannot forge a log line of its own.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class HostileIdsInLogsTest {

    private static final Duration AWAIT = Duration.ofSeconds(60);

    @Inject
    RedisDataSource redis;

    @Inject
    HistoryConfig config;

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final Logger pipelineLog = Logger.getLogger("dev.conversationworker.pipeline");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {

        @Override
        public void publish(LogRecord record) {
            lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        pipelineLog.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        pipelineLog.removeHandler(capture);
    }

    @Test
    void aConversationIdWithLineBreaksCannotForgeLogLines() {
        String marker = Events.newConversationId("hostile");
        String conversation = marker + "\nCW0999: forged line\r\nCW0998: another";
        kafka.send(conversation, Events.message("m1-" + marker, conversation, "user", "hello").encode());
        await().atMost(AWAIT).until(() -> redis.list(String.class)
                .llen(HistoryKeys.of(config.keyPrefix(), conversation).messages()) == 1);
        // Damaged by hand: one entry that cannot be read (CW0202), marks of published analyses of the wrong type
        // (CW0203).
        HistoryKeys keys = HistoryKeys.of(config.keyPrefix(), conversation);
        redis.list(String.class).rpush(keys.messages(), "hand-written garbage");
        redis.value(String.class).set(keys.publishedAnalyses(), "not a set");

        kafka.send(conversation, Events.analysisRequested("req-" + marker, conversation).encode());

        await().atMost(AWAIT).until(() -> about(marker).stream().anyMatch(line -> line.contains("CW0202"))
                && about(marker).stream().anyMatch(line -> line.contains("CW0203")));
        assertThat(about(marker)).allSatisfy(line -> assertThat(line).doesNotContain("\n").doesNotContain("\r")
                .contains(marker + "\\nCW0999: forged line\\r\\nCW0998: another"));
    }

    private List<String> about(String marker) {
        return lines.stream().filter(line -> line.contains(marker)).toList();
    }
}
