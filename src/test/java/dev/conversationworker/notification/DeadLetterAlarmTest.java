package dev.conversationworker.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.Severity;

class DeadLetterAlarmTest {

    private final List<Notification> sent = new ArrayList<>();
    private Instant now = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void notifiesOncePerWindowWhenTheThresholdIsReached() {
        DeadLetterAlarm alarm = alarm(3, Duration.ofMinutes(5));
        alarm.deadLettered("unknown type 'x'");
        alarm.deadLettered("unknown type 'x'");
        assertThat(sent).isEmpty();
        alarm.deadLettered("<users/all> unknown type 'y'");
        alarm.deadLettered("unknown type 'z'");
        assertThat(sent).hasSize(1);
        Notification n = sent.get(0);
        assertThat(n.kind()).isEqualTo("operational");
        assertThat(n.dedupeKey()).isEqualTo("dead-letters:2026-11-24T10:00:00Z");
        assertThat(new JsonObject(n.body()).getString("text")).contains("3 events dead-lettered")
                .doesNotContain("<users/all>");

        now = now.plus(Duration.ofMinutes(6)); // a new window
        for (int i = 0; i < 5; i++) {
            alarm.deadLettered("bad");
        }
        assertThat(sent).hasSize(2);
    }

    private DeadLetterAlarm alarm(int threshold, Duration window) {
        NotifyConfig config = new NotifyConfig() {

            public Severity minSeverity() {
                return Severity.HIGH;
            }

            public boolean onFailedAnalysis() {
                return true;
            }

            public int maxSnippetChars() {
                return 500;
            }

            public int deadLetterThreshold() {
                return threshold;
            }

            public Duration deadLetterWindow() {
                return window;
            }

            public int failedAnalysisBurst() {
                return 3;
            }

            public Duration failedAnalysisWindow() {
                return window;
            }

            public int maxQuestions() {
                return 5;
            }

            public Duration attentionWindow() {
                return Duration.ofMinutes(30);
            }
        };
        NotificationPublisher publisher = new NotificationPublisher() {

            @Override
            public Uni<Void> publish(Notification notification) {
                sent.add(notification);
                return Uni.createFrom().voidItem();
            }
        };
        return new DeadLetterAlarm(config, publisher, new GoogleChatMessages(500, 5), new Clock() {

            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now;
            }
        });
    }
}
