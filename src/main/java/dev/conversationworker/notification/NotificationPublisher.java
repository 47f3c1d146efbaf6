package dev.conversationworker.notification;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.ops.MetricLabels.SuppressReason;
import dev.conversationworker.ops.TopicsConfig;
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

    @Inject
    TopicsConfig topics;

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
        return notifyIfNeeded(analysis, notification -> publish(notification, trace));
    }

    /**
     * Exactly-once mode: decides as {@link #notifyIfNeeded(AnalysisRecord, Context)} does, and hands the
     * notification's record to {@code stage} (it joins the analysis's transaction) instead of sending it. A claim
     * of the attention window is held by the analysis id, so an analysis whose transaction never committed pages
     * again when it runs again.
     */
    public Uni<Void> notifyIfNeeded(AnalysisRecord analysis, Context trace,
            Consumer<ProducerRecord<byte[], byte[]>> stage) {
        return notifyIfNeeded(analysis, notification -> {
            stage.accept(record(notification, trace));
            metrics.notification(notification.kind(), notification.severity());
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> notifyIfNeeded(AnalysisRecord analysis, Function<Notification, Uni<Void>> send) {
        if (analysis.isFailed()) {
            return config.onFailedAnalysis() ? notifyFailed(analysis, send) : Uni.createFrom().voidItem();
        }
        if (analysis.result().needsNotification(config.minSeverity())) {
            return attentionWindow.pageOnce(analysis, () -> send.apply(messages.attention(analysis)));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> notifyFailed(AnalysisRecord analysis, Function<Notification, Uni<Void>> send) {
        // Counted once: the caller retries the returned Uni to retry the sending, which must not count again.
        return failedAnalyses.failed().memoize().indefinitely().chain(decision -> {
            if (decision instanceof FailedAnalysisBursts.Each) {
                return send.apply(messages.analysisFailed(analysis));
            }
            if (decision instanceof FailedAnalysisBursts.Summary summary) {
                return send.apply(messages.analysesFailing(summary.count(), config.failedAnalysisWindow(),
                        summary.windowStart(), analysis.error()));
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
                        .withKey(notification.conversationId()).withHeaders(headers(notification)).build()),
                trace))
                .invoke(() -> metrics.notification(notification.kind(), notification.severity()));
    }

    private ProducerRecord<byte[], byte[]> record(Notification notification, Context trace) {
        Headers headers = headers(notification);
        traces.inject(trace, headers);
        return new ProducerRecord<>(topics.notifications(), null, notification.conversationId() == null
                ? null
                : notification.conversationId().getBytes(StandardCharsets.UTF_8),
                notification.body().getBytes(StandardCharsets.UTF_8), headers);
    }

    private static Headers headers(Notification notification) {
        return new KafkaHeaders().add("severity", notification.severity())
                .add("dedupe-key", notification.dedupeKey()).add("kind", notification.kind()).build();
    }
}
