package dev.conversationworker.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.ingest.ExactlyOnceCommitter;
import dev.conversationworker.ingest.Outbox;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.notification.NotificationPublisher;
import dev.conversationworker.ops.EventLogFields;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.publishing.AnalysisPublisher;
import dev.conversationworker.support.TransientFailures;

/**
 * The last step: the analysis is published, then its notification (when it calls for one), then it is remembered
 * as published (so a redelivered trigger skips it). An idle analysis is first asked whether it may still be
 * published. In exactly-once mode the analysis and its notification join a Kafka transaction instead, and are
 * marked published once it commits. Pure orchestration over Kafka and Redis: the integration tests cover it ({@code AnalysisContractTest},
 * {@code RedeliveredAfterPublishingTest}, the fault tests).
 */
@Singleton
class PublishStep {

    private static final Runnable NOTHING = () -> {
    };

    private final StepRunner steps;
    private final AnalysisPublisher analyses;
    private final NotificationPublisher notifications;
    private final ConversationHistory history;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final ExactlyOnceCommitter transactions;

    PublishStep(StepRunner steps, AnalysisPublisher analyses, NotificationPublisher notifications,
            ConversationHistory history, WorkerMetrics metrics, Clock clock, ExactlyOnceCommitter transactions) {
        this.transactions = transactions;
        this.steps = steps;
        this.analyses = analyses;
        this.notifications = notifications;
        this.history = history;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** @param triggeredAt when its trigger happened (for the end-to-end latency), or null if unknown */
    Uni<Void> publish(AnalysisRecord analysis, OffsetDateTime triggeredAt, TracedEvent event) {
        return publish(analysis, Map.of(), triggeredAt, NOTHING, event);
    }

    /** @param originals placeholders to restore in the published record only (empty: none, the default) */
    Uni<Void> publish(AnalysisRecord analysis, Map<String, String> originals, OffsetDateTime triggeredAt,
            TracedEvent event) {
        return publish(analysis, originals, triggeredAt, NOTHING, event);
    }

    /** @param onRetry runs before each retry of a step that failed for a transient reason */
    Uni<Void> publish(AnalysisRecord analysis, Map<String, String> originals, OffsetDateTime triggeredAt,
            Runnable onRetry, TracedEvent event) {
        if (event.mayPublish() == TracedEvent.ALWAYS) {
            return publishNow(analysis, originals, triggeredAt, onRetry, event);
        }
        return steps.untilDone(Stage.CLAIM_CHECK, event, event.mayPublish()).chain(mayPublish -> {
            if (!mayPublish) {
                return Uni.createFrom().voidItem(); // counted by whoever said no, with its reason
            }
            return publishNow(analysis, originals, triggeredAt, onRetry, event);
        });
    }

    /** The time an analysis is made at, as its record carries it. */
    String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private Uni<Void> publishNow(AnalysisRecord analysis, Map<String, String> originals, OffsetDateTime triggeredAt,
            Runnable onRetry, TracedEvent event) {
        if (transactions.enabled()) {
            return publishInTransaction(analysis, originals, triggeredAt, onRetry, event);
        }
        AnalysisRecord published = RestoredAnalysis.of(analysis, originals);
        return steps.untilDone(Stage.PUBLISH_ANALYSIS, event, () -> analyses.publish(published, event.trace()),
                onRetry)
                .call(() -> {
                    // Decided once (a failed analysis counts once towards its burst); only the sending is retried.
                    Uni<Void> notification = notifications.notifyIfNeeded(analysis, event.trace());
                    return steps.untilDone(Stage.PUBLISH_NOTIFICATION, event, () -> notification, onRetry);
                })
                .call(() -> steps.untilDone(Stage.MARK_PUBLISHED, event, () -> markPublished(analysis), onRetry))
                .invoke(() -> counted(analysis, triggeredAt));
    }

    /**
     * Exactly-once mode: the analysis and its notification join a transaction instead of being sent: the record's
     * (committed with its offset), or, for work of no record, one of their own, waited for here. Marked published and
     * counted once committed, before the conversation's next event starts: a mark before, with the transaction then
     * aborted, would make the rerun skip it.
     */
    private Uni<Void> publishInTransaction(AnalysisRecord analysis, Map<String, String> originals,
            OffsetDateTime triggeredAt, Runnable onRetry, TracedEvent event) {
        Outbox outbox = event.outbox() != null ? event.outbox() : new Outbox();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(analyses.record(RestoredAnalysis.of(analysis, originals), event.trace()));
        Uni<Void> notification = notifications.notifyIfNeeded(analysis, event.trace(), records::add);
        return steps.untilDone(Stage.PUBLISH_NOTIFICATION, event, () -> {
            records.subList(1, records.size()).clear(); // what an attempt that failed staged
            return notification;
        }, onRetry).chain(() -> {
            records.forEach(outbox::send);
            outbox.afterCommit(() -> steps.untilDone(Stage.MARK_PUBLISHED, event, () -> markPublished(analysis))
                    .invoke(() -> counted(analysis, triggeredAt))
                    .onFailure().invoke(failure -> event.log(() -> PipelineLog.LOG.publishedMarkNotWritten(
                            analysis.analysisId(), String.valueOf(failure.getMessage()))))
                    .onFailure().recoverWithNull());
            return event.outbox() != null
                    ? Uni.createFrom().voidItem()
                    : steps.untilDone(Stage.PUBLISH_ANALYSIS, event, () -> transactions.commit(outbox), onRetry);
        });
    }

    private void counted(AnalysisRecord analysis, OffsetDateTime triggeredAt) {
        metrics.analysis(analysis.status(), analysis.provider());
        if (triggeredAt != null) {
            metrics.endToEnd(Duration.between(triggeredAt.toInstant(), clock.instant()));
        }
    }

    /** A mark that cannot be written must not make a published analysis fail (and be published again). */
    private Uni<Void> markPublished(AnalysisRecord analysis) {
        return history.markPublished(analysis.conversationId(), analysis.analysisId())
                .onFailure(failure -> !TransientFailures.isTransient(failure)).recoverWithUni(failure -> {
                    EventLogFields.log(analysis.conversationId(), analysis.triggerEventId(),
                            () -> PipelineLog.LOG.publishedMarkNotWritten(analysis.analysisId(), failure.getMessage()));
                    return Uni.createFrom().voidItem();
                });
    }
}
