package dev.conversationworker.notification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.model.DeadLettered;

/**
 * Tells on-call once per window when dead letters pile up (an upstream service started sending bad events, say):
 * one operational message when the count of a window, over all instances, reaches the threshold, not one per record
 * or per instance.
 */
@ApplicationScoped
public class DeadLetterAlarm {

    private final NotifyConfig config;
    private final NotificationPublisher publisher;
    private final GoogleChatMessages messages;
    private final DeadLetterPile pile;

    DeadLetterAlarm(NotifyConfig config, NotificationPublisher publisher, GoogleChatMessages messages,
            AlarmWindows windows) {
        this.config = config;
        this.publisher = publisher;
        this.messages = messages;
        this.pile = new DeadLetterPile(config.deadLetterThreshold(), config.deadLetterWindow(), windows);
    }

    void on(@Observes DeadLettered event) {
        pile.deadLettered().chain(pileUp -> pileUp.isEmpty()
                ? Uni.createFrom().voidItem()
                : publisher.publish(messages.deadLettersPilingUp(pileUp.get().value(), config.deadLetterWindow(),
                        pileUp.get().windowStart(), event.reason())))
                .subscribe().with(ok -> {
                }, failure -> NotifyLog.LOG.alarmNotPublished("dead-letter", String.valueOf(failure)));
    }
}
