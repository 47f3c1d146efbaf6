package dev.conversationworker.notification;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.conversationworker.model.DeadLettered;

/**
 * Tells on-call once per window when dead letters pile up (an upstream service started sending bad events, say):
 * one operational message when the count of a window reaches the threshold, not one per record.
 */
@ApplicationScoped
public class DeadLetterAlarm {

    private final NotifyConfig config;
    private final NotificationPublisher publisher;
    private final GoogleChatMessages messages;
    private final WindowedCounter deadLetters;

    @Inject
    DeadLetterAlarm(NotifyConfig config, NotificationPublisher publisher, GoogleChatMessages messages) {
        this(config, publisher, messages, Clock.systemUTC());
    }

    DeadLetterAlarm(NotifyConfig config, NotificationPublisher publisher, GoogleChatMessages messages, Clock clock) {
        this.config = config;
        this.publisher = publisher;
        this.messages = messages;
        this.deadLetters = new WindowedCounter(config.deadLetterWindow(), clock);
    }

    void on(@Observes DeadLettered event) {
        deadLettered(event.reason());
    }

    void deadLettered(String reason) {
        WindowedCounter.Count count = deadLetters.increment();
        if (count.value() == config.deadLetterThreshold()) {
            publisher.publish(messages.deadLettersPilingUp(count.value(), config.deadLetterWindow(),
                    count.windowStart(), reason))
                    .subscribe().with(ok -> {
                    }, failure -> NotifyLog.LOG.alarmNotPublished("dead-letter", String.valueOf(failure)));
        }
    }
}
