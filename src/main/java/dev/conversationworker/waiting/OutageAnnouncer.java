package dev.conversationworker.waiting;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.notification.GoogleChatMessages;
import dev.conversationworker.notification.NotificationPublisher;
import dev.conversationworker.notification.NotifyConfig;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.support.TransientFailures;

/**
 * Tells on-call that analyses wait for an LLM, once per {@code notify.failed-analysis-window} for all instances
 * together (an outage is one problem, not one per conversation), and that the wait is over. The instances agree on
 * who tells through the waiting room in Redis.
 */
@ApplicationScoped
public class OutageAnnouncer {

    private static final Duration RETRY_BACKOFF = Duration.ofMillis(200);
    private static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(10);

    private final WaitingAnalyses waitingRoom;
    private final NotificationPublisher publisher;
    private final GoogleChatMessages messages;
    private final NotifyConfig notifyConfig;
    private final AnalysisConfig.Waiting waitConfig;
    private final Clock clock;
    private final AtomicBoolean announced = new AtomicBoolean();

    OutageAnnouncer(WaitingAnalyses waitingRoom, NotificationPublisher publisher, GoogleChatMessages messages,
            NotifyConfig notifyConfig, AnalysisConfig analysisConfig, Clock clock) {
        this.clock = clock;
        this.waitingRoom = waitingRoom;
        this.publisher = publisher;
        this.messages = messages;
        this.notifyConfig = notifyConfig;
        this.waitConfig = analysisConfig.waiting();
    }

    /** An analysis started waiting: on-call hears it if no instance has told it in this window. */
    public Uni<Void> analysisWaiting(WaitingAnalysis analysis) {
        return waitingRoom.firstToAnnounce(notifyConfig.failedAnalysisWindow()).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            announced.set(true);
            // This instance holds the announcement now: a failed publication is retried here, since a retry of
            // the whole step would find the announcement taken and say nothing.
            return publisher.publish(messages.analysesWaiting(analysis.lastError(), waitConfig.maxWait(),
                    clock.instant()))
                    .onFailure(TransientFailures::isTransient).retry()
                    .withBackOff(RETRY_BACKOFF, RETRY_MAX_BACKOFF).withJitter(0.3).indefinitely();
        });
    }

    /**
     * The last waiting analysis has been published: if this instance announced the wait, on-call hears it is over,
     * in the same thread (once per announcement, so a trickle of waits does not make a trickle of all-clears, and
     * one instance speaks for all).
     */
    public Uni<Void> noAnalysisWaiting() {
        if (!announced.compareAndSet(true, false)) {
            return Uni.createFrom().voidItem();
        }
        return publisher.publish(messages.analysesNoLongerWaiting(clock.instant()));
    }
}
