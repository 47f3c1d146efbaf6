package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.conversationworker.model.LlmBudgetTurned;
import dev.conversationworker.support.TransientFailures;

/**
 * Tells on-call when the fleet's LLM budget is spent and when it has room again. Exactly one instance hears of each
 * turn (the budget's script tells the one that made it), so this one speaks for the fleet, and retries a failed
 * publication itself: nobody else will.
 */
@ApplicationScoped
public class LlmBudgetAlarm {

    private static final Duration RETRY_BACKOFF = Duration.ofMillis(200);
    private static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(10);
    private static final int RETRIES = 30;

    private final NotificationPublisher publisher;
    private final GoogleChatMessages messages;
    private final Clock clock;

    LlmBudgetAlarm(NotificationPublisher publisher, GoogleChatMessages messages, Clock clock) {
        this.publisher = publisher;
        this.messages = messages;
        this.clock = clock;
    }

    void on(@Observes LlmBudgetTurned turned) {
        Notification notification = turned.spent()
                ? messages.llmBudgetSpent(turned.tokensPerHour(), turned.whenSpent(), clock.instant())
                : messages.llmBudgetFreeAgain(turned.tokensPerHour(), turned.remaining(), clock.instant());
        publisher.publish(notification)
                .onFailure(TransientFailures::isTransient).retry()
                .withBackOff(RETRY_BACKOFF, RETRY_MAX_BACKOFF).withJitter(0.3).atMost(RETRIES)
                .subscribe().with(ok -> {
                }, failure -> NotifyLog.LOG.alarmNotPublished("LLM budget", String.valueOf(failure)));
    }
}
