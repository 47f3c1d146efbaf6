package dev.conversationworker.notification;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.ops.MetricLabels.SuppressReason;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.support.KafkaHeaders;

/** Decides whether an analysis is worth an on-call message and publishes it; completes once Kafka has it. */
@ApplicationScoped
public class NotificationPublisher {

    public static final String CHANNEL = "oncall-notifications";

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<String> emitter;

    @Inject
    Traces traces;

    @Inject
    NotifyConfig config;

    @Inject
    WorkerMetrics metrics;

    @Inject
    AttentionClaims attentionClaims;

    @Inject
    GoogleChatMessages messages;

    @Inject
    AlarmWindows alarmWindows;

    private FailedAnalysisBursts failedAnalyses;
    private AttentionWindow attentionWindow;

    @PostConstruct
    void init() {
        failedAnalyses = new FailedAnalysisBursts(config.failedAnalysisBurst(), config.failedAnalysisWindow(),
                alarmWindows);
        attentionWindow = new AttentionWindow(attentionClaims,
                () -> metrics.notificationSuppressed(SuppressReason.ATTENTION_WINDOW));
    }

    /**
     * Publishes what the analysis calls for: nothing, an attention message (at most one per conversation per
     * {@code notify.attention-window}), or an analysis-failed message. The message carries the analysis's trace.
     */
    public Uni<Void> notifyIfNeeded(AnalysisRecord analysis, Context trace) {
        if (analysis.isFailed()) {
            return config.onFailedAnalysis() ? notifyFailed(analysis, trace) : Uni.createFrom().voidItem();
        }
        if (analysis.result().needsNotification(config.minSeverity())) {
            return attentionWindow.pageOnce(analysis, () -> publish(messages.attention(analysis), trace));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> notifyFailed(AnalysisRecord analysis, Context trace) {
        // Counted once: the caller retries the returned Uni to retry the sending, which must not count again.
        return failedAnalyses.failed().memoize().indefinitely().chain(decision -> {
            if (decision instanceof FailedAnalysisBursts.Each) {
                return publish(messages.analysisFailed(analysis), trace);
            }
            if (decision instanceof FailedAnalysisBursts.Summary summary) {
                return publish(messages.analysesFailing(summary.count(), config.failedAnalysisWindow(),
                        summary.windowStart(), analysis.error()), trace);
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** Publishes a prepared notification that no one event caused; completes once Kafka has it. */
    public Uni<Void> publish(Notification notification) {
        return publish(notification, Context.root());
    }

    private Uni<Void> publish(Notification notification, Context trace) {
        return emitter.sendMessage(traces.carry(Message.of(notification.body())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(notification.conversationId())
                        .withHeaders(new KafkaHeaders().add("severity", notification.severity())
                                .add("dedupe-key", notification.dedupeKey()).add("kind", notification.kind()).build())
                        .build()),
                trace))
                .invoke(() -> metrics.notification(notification.kind(), notification.severity()));
    }
}
