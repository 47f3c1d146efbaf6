package dev.conversationworker.notification;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

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
    private final DeadLetterPile pile;

    DeadLetterAlarm(NotifyConfig config, NotificationPublisher publisher, GoogleChatMessages messages) {
        this.config = config;
        this.publisher = publisher;
        this.messages = messages;
        this.pile = new DeadLetterPile(config.deadLetterThreshold(), config.deadLetterWindow(), Clock.systemUTC());
    }

    void on(@Observes DeadLettered event) {
        pile.deadLettered().ifPresent(count -> publisher.publish(messages.deadLettersPilingUp(count.value(),
                config.deadLetterWindow(), count.windowStart(), event.reason()))
                .subscribe().with(ok -> {
                }, failure -> NotifyLog.LOG.alarmNotPublished("dead-letter", String.valueOf(failure))));
    }
}
