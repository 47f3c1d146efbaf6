package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.conversationworker.model.LlmNeedsOperator;

/** Tells on-call when an LLM endpoint needs a person (key rejected, quota gone): once per endpoint per window. */
@ApplicationScoped
public class LlmOperatorAlarm {

    static final Duration WINDOW = Duration.ofMinutes(10);

    private final NotificationPublisher publisher;
    private final GoogleChatMessages messages;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Instant> lastAlarm = new ConcurrentHashMap<>();

    @Inject
    LlmOperatorAlarm(NotifyConfig config, NotificationPublisher publisher, GoogleChatMessages messages) {
        this.publisher = publisher;
        this.messages = messages;
    }

    void on(@Observes LlmNeedsOperator event) {
        Instant now = clock.instant();
        boolean[] due = {false};
        lastAlarm.compute(event.endpoint(), (endpoint, previous) -> {
            if (previous != null && previous.plus(WINDOW).isAfter(now)) {
                return previous;
            }
            due[0] = true;
            return now;
        });
        if (!due[0]) {
            return;
        }
        NotifyLog.LOG.llmNeedsOperator(event.endpoint(), event.model(), event.reason());
        publisher.publish(messages.llmNeedsOperator(event.endpoint(), event.model(), event.reason(), now))
                .subscribe().with(ok -> {
                }, failure -> NotifyLog.LOG.alarmNotPublished("LLM", String.valueOf(failure)));
    }
}
