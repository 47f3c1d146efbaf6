package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.publishing.AnalysisRecord;
import dev.conversationworker.publishing.KafkaHeaders;
import dev.conversationworker.waiting.WaitConfig;
import dev.conversationworker.waiting.WaitingAnalyses;
import dev.conversationworker.waiting.WaitingAnalysis;

/** Decides whether an analysis is worth an on-call message and publishes it; completes once Kafka has it. */
@ApplicationScoped
public class NotificationPublisher {

    public static final String CHANNEL = "oncall-notifications";
    private static final Duration ANNOUNCEMENT_RETRY_BACKOFF = Duration.ofMillis(200);
    private static final Duration ANNOUNCEMENT_RETRY_MAX_BACKOFF = Duration.ofSeconds(10);

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> emitter;

    @Inject
    NotifyConfig config;

    @Inject
    WaitConfig waitConfig;

    @Inject
    WaitingAnalyses waitingRoom;

    @Inject
    WorkerMetrics metrics;

    @Inject
    AttentionClaims attentionClaims;

    private GoogleChatMessages messages;
    private WindowedCounter failedAnalyses;
    private AttentionWindow attentionWindow;
    private final AtomicBoolean outageAnnounced = new AtomicBoolean();

    @PostConstruct
    void init() {
        messages = new GoogleChatMessages(config.maxSnippetChars(), config.maxQuestions());
        failedAnalyses = new WindowedCounter(config.failedAnalysisWindow(), Clock.systemUTC());
        attentionWindow = new AttentionWindow(attentionClaims,
                () -> metrics.notificationSuppressed("attention-window"));
    }

    /**
     * Publishes what the analysis calls for: nothing, an attention message (at most one per conversation per
     * {@code notify.attention-window}), or an analysis-failed message.
     */
    public Uni<Void> notifyIfNeeded(AnalysisRecord analysis) {
        if (analysis.isFailed()) {
            return config.onFailedAnalysis() ? notifyFailed(analysis) : Uni.createFrom().voidItem();
        }
        if (analysis.result().needsNotification(config.minSeverity())) {
            return attentionWindow.pageOnce(analysis, () -> publish(messages.attention(analysis)));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> notifyFailed(AnalysisRecord analysis) {
        WindowedCounter.Count failures = failedAnalyses.increment();
        int burst = config.failedAnalysisBurst();
        if (failures.value() <= burst) {
            return publish(messages.analysisFailed(analysis));
        }
        if (failures.value() == burst + 1) {
            return publish(messages.analysesFailing(failures.value(), config.failedAnalysisWindow(),
                    failures.windowStart(), analysis.error()));
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * An analysis waits because no LLM could be reached: on-call hears it once per {@code failed-analysis-window},
     * however many conversations and instances wait (an outage is one problem, not one per conversation). The
     * instances agree on who tells through the waiting room in Redis.
     */
    public Uni<Void> analysisWaiting(WaitingAnalysis analysis) {
        return waitingRoom.firstToAnnounce(config.failedAnalysisWindow()).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            outageAnnounced.set(true);
            // This instance holds the announcement now: a failed publication is retried here, since a retry of
            // the whole step would find the announcement taken and say nothing.
            return publish(messages.analysesWaiting(analysis.lastError(), waitConfig.maxWait(),
                    Clock.systemUTC().instant()))
                    .onFailure().retry().withBackOff(ANNOUNCEMENT_RETRY_BACKOFF, ANNOUNCEMENT_RETRY_MAX_BACKOFF)
                    .withJitter(0.3).indefinitely();
        });
    }

    /**
     * The last waiting analysis has been published: if this instance announced the wait, on-call hears it is over,
     * in the same thread (once per announcement, so a trickle of waits does not make a trickle of all-clears, and
     * one instance speaks for all).
     */
    public Uni<Void> noAnalysisWaiting() {
        if (!outageAnnounced.compareAndSet(true, false)) {
            return Uni.createFrom().voidItem();
        }
        return publish(messages.analysesNoLongerWaiting(Clock.systemUTC().instant()));
    }

    /** Publishes a prepared notification; completes once Kafka has it. */
    public Uni<Void> publish(Notification notification) {
        return emitter.sendMessage(Message.of(notification.body())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(notification.conversationId())
                        .withHeaders(new KafkaHeaders().add("severity", notification.severity())
                                .add("dedupe-key", notification.dedupeKey()).add("kind", notification.kind()).build())
                        .build()))
                .invoke(() -> metrics.notification(notification.kind(), notification.severity()));
    }
}
