package dev.conversationworker.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

import dev.conversationworker.analysis.ConversationAnalyzer;
import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.formatting.FormattingConfig;
import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.history.HistoryCodec;
import dev.conversationworker.history.HistoryWindow;
import dev.conversationworker.idle.ClaimedConversation;
import dev.conversationworker.idle.IdleSchedule;
import dev.conversationworker.ingest.ChatEventHandler;
import dev.conversationworker.ingest.ChatEventParser;
import dev.conversationworker.ingest.IngestConfig;
import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.Trigger;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.notification.NotificationPublisher;
import dev.conversationworker.ops.EventLogFields;
import dev.conversationworker.ops.MetricLabels.SkipReason;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.MetricLabels.WaitEvent;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.publishing.AnalysisPublisher;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.LogSafe;
import dev.conversationworker.support.TransientFailures;
import dev.conversationworker.support.UntilDone;
import dev.conversationworker.waiting.OutageAnnouncer;
import dev.conversationworker.waiting.WaitingAnalyses;

/**
 * Where an event goes, start to end. A record is parsed (on the CPU pool); a message is appended to its
 * conversation's history; a trigger reads the history, formats it (on the CPU pool), has it analysed, publishes the
 * analysis and, when it calls for one, a notification. An analysis no LLM could be reached for waits in Redis and
 * is resumed later ({@link #resume}). The returned {@link Uni} completes once every effect is durable, fails with
 * {@code InvalidEventException} for poison, and retries transient failures by itself.
 */
@ApplicationScoped
public class ConversationPipeline implements ChatEventHandler {

    private static final Logger LOG = Logger.getLogger(ConversationPipeline.class);
    private static final Uni<Void> NOTHING_ALONGSIDE = Uni.createFrom().voidItem();

    private final CpuWorkPool cpu;
    private final ChatEventParser parser;
    private final ConversationHistory history;
    private final ConversationFormatter formatter;
    private final ConversationAnalyzer analyzer;
    private final AnalysisPublisher analyses;
    private final NotificationPublisher notifications;
    private final WorkerMetrics metrics;
    private final WaitingAnalyses waiting;
    private final AnalysisConfig.Waiting waitConfig;
    private final OutageAnnouncer outage;
    private final Traces traces;
    private final AnalysisConfig triggers;
    private final IdleSchedule idle;
    private final Clock clock = Clock.systemUTC();
    private final int readBudget;
    private final int readPerMessage;
    private final Backoff retryBackoff;
    private volatile boolean stopping;

    ConversationPipeline(CpuWorkPool cpu, IngestConfig ingest, ConversationHistory history,
            FormattingConfig formatting, ConversationAnalyzer analyzer, AnalysisPublisher analyses,
            NotificationPublisher notifications, WorkerMetrics metrics, WorkerConfig config, WaitingAnalyses waiting,
            OutageAnnouncer outage, Traces traces, AnalysisConfig triggers, IdleSchedule idle) {
        this.cpu = cpu;
        this.parser = new ChatEventParser(ingest.rejectUnknownFields(), ingest.maxIdLength());
        this.history = history;
        this.formatter = new ConversationFormatter(formatting.maxChars(), formatting.maxMessageChars());
        this.readBudget = formatting.maxChars();
        this.readPerMessage = formatting.maxMessageChars();
        this.analyzer = analyzer;
        this.analyses = analyses;
        this.notifications = notifications;
        this.metrics = metrics;
        this.retryBackoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        this.waiting = waiting;
        this.waitConfig = triggers.waiting();
        this.outage = outage;
        this.traces = traces;
        this.triggers = triggers;
        this.idle = idle;
    }

    /**
     * @param partition the record's partition and {@code offset} its offset: a message is stored with them, and a
     *        trigger reads only the messages stored before it
     */
    @Override
    public Uni<Void> process(byte[] recordKey, byte[] recordValue, int partition, long offset, Context trace) {
        Scope record = new Scope(trace, recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8),
                null);
        long recordBytes = (recordKey == null ? 0 : recordKey.length) + (recordValue == null ? 0 : recordValue.length);
        return untilDone(Stage.PARSE, record, () -> cpu.run(recordBytes, () -> parser.parse(recordKey, recordValue)))
                .invoke(event -> metrics.eventIn(event.type()))
                .chain(event -> {
                    Scope scope = new Scope(trace, event.conversationId(), event.eventId());
                    return event.isMessage()
                            ? store(event, partition, offset, scope)
                            : trigger(event, partition, offset, scope);
                });
    }

    /**
     * Stores the message and, in the same atomic step, arms its conversation's idle timer; every
     * {@code analysis.every-messages}-th message is then analysed as {@code conversation.progress}, in this
     * record's turn. A redelivered message arms nothing, and its progress analysis, published already, is skipped;
     * one cut short by a crash before publishing is done now.
     */
    private Uni<Void> store(ChatEvent message, int partition, long offset, Scope scope) {
        Duration idleAfter = triggers.idle().after().isNegative() ? Duration.ZERO : triggers.idle().after();
        return untilDone(Stage.HISTORY_APPEND, scope, () -> history.append(message, partition, offset, idleAfter))
                .chain(appended -> {
                    if (!appended.appended()) {
                        metrics.duplicateMessage();
                    } else if (!idleAfter.isZero()) {
                        metrics.conversationArmed();
                    }
                    int every = triggers.everyMessages();
                    if (every > 0 && appended.sequence() > 0 && appended.sequence() % every == 0) {
                        metrics.progressAnalysisStarted();
                        // Up to and including this message: read before the next offset.
                        return analyse(Trigger.progress(message), partition, offset + 1, scope, NOTHING_ALONGSIDE);
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * A {@code conversation.closed} or {@code analysis.requested}: it disarms the conversation's idle timer (when
     * it came after the last message) and is analysed.
     */
    private Uni<Void> trigger(ChatEvent event, int partition, long offset, Scope scope) {
        Uni<Void> disarmed = triggers.idle().after().isZero() || triggers.idle().after().isNegative()
                ? Uni.createFrom().voidItem()
                : untilDone(Stage.IDLE_DISARM, scope, () -> idle.disarm(event.conversationId(), partition, offset))
                        .replaceWithVoid();
        return analyse(Trigger.of(event), partition, offset, scope, disarmed);
    }

    /**
     * A conversation whose idle timer fell due: analysed as {@code conversation.idle}, as it stood at its last
     * message (later messages, being stored now, do not change it; they arm a new timer). Call it in the
     * conversation's turn ({@code ChatEventConsumer#runInOrder}). A conversation whose history expired meanwhile is
     * not analysed.
     *
     * @param mayPublish asked just before the analysis is published (once its result is known): false when the
     *        claim was lost meanwhile, and another instance publishes it; then nothing is published here
     */
    public Uni<Void> analyseIdle(ClaimedConversation claimed, Supplier<Uni<Boolean>> mayPublish) {
        // A trace of its own: no record caused it.
        return analyse(idleTrigger(claimed), claimed.armed().partition(), claimed.armed().offset() + 1,
                new Scope(Context.root(), claimed.conversationId(), claimed.armed().eventId(), mayPublish),
                NOTHING_ALONGSIDE);
    }

    /**
     * An idle analysis that failed {@code analysis.idle-max-attempts} times is given up: published as
     * {@code failed} with the reason (the contract: every trigger gets its analysis), unless it was published
     * already. No LLM is asked; the history is read only to count its messages, and not even that if it cannot be.
     */
    public Uni<Void> giveUpIdle(ClaimedConversation claimed, int attempts, String reason,
            Supplier<Uni<Boolean>> mayPublish) {
        Trigger trigger = idleTrigger(claimed);
        Scope scope = new Scope(Context.root(), claimed.conversationId(), claimed.armed().eventId(), mayPublish);
        Uni<Integer> messages = history.readBefore(claimed.conversationId(), claimed.armed().partition(),
                claimed.armed().offset() + 1, 0, 1).map(HistoryWindow::messageCount)
                .onFailure().recoverWithItem(0);
        return untilDone(Stage.PUBLISHED_CHECK, scope, () -> wasPublished(trigger.conversationId(),
                trigger.analysisId())).chain(published -> published
                        ? Uni.createFrom().voidItem()
                                .invoke(() -> metrics.analysisSkipped(SkipReason.ALREADY_PUBLISHED))
                        : messages.chain(count -> publish(AnalysisRecord.of(trigger,
                                new FormattedConversation("", count, 0, false), AnalysisOutcome.failed(
                                        "given up after " + attempts + " attempts of the idle analysis; last: "
                                                + reason,
                                        0, false),
                                now()), trigger.timestamp(), scope)));
    }

    private static Trigger idleTrigger(ClaimedConversation claimed) {
        return Trigger.idle(claimed.conversationId(), claimed.armed().eventId(),
                claimed.dueAt().atOffset(ZoneOffset.UTC));
    }

    /**
     * Analyses the conversation as it stood at the trigger, unless this trigger's analysis was published already
     * or waits for an LLM (the trigger is a redelivery, and the waiting room publishes it): analysing it again could
     * only repeat it, or publish a second, different result under the same {@code analysisId}.
     * <p>
     * The two checks, the history read and {@code alongside} (a write the trigger owes, such as disarming its idle
     * timer) go to Redis together: an analysis holds an in-flight slot, and with the slots full it is one round trip
     * that it waits before its LLM call, not four. They are judged in the order they used to run: a published
     * trigger is skipped without waiting for the rest, which is cancelled, and a failed waiting check or read fails
     * only a trigger that needed it.
     */
    private Uni<Void> analyse(Trigger trigger, int partition, long offset, Scope scope, Uni<Void> alongside) {
        String analysisId = trigger.analysisId();
        return Uni.createFrom().deferred(() -> {
            Started<Boolean> waits = new Started<>(untilDone(Stage.WAITING_CHECK, scope,
                    () -> waiting.isWaiting(analysisId)));
            Started<HistoryWindow> read = new Started<>(untilDone(Stage.HISTORY_READ, scope, () -> history.readBefore(
                    trigger.conversationId(), partition, offset, readBudget, readPerMessage)));
            Uni<Boolean> published = untilDone(Stage.PUBLISHED_CHECK, scope,
                    () -> wasPublished(trigger.conversationId(), analysisId));
            return Uni.combine().all().unis(published, alongside.replaceWith(Boolean.TRUE)).asTuple()
                    .chain(done -> {
                        if (done.getItem1()) {
                            metrics.analysisSkipped(SkipReason.ALREADY_PUBLISHED);
                            return Uni.createFrom().voidItem();
                        }
                        return waits.result().chain(waiting -> {
                            if (waiting) {
                                metrics.analysisSkipped(SkipReason.WAITING);
                                return Uni.createFrom().voidItem();
                            }
                            return read.result().chain(window -> analyse(trigger, window, scope));
                        });
                    })
                    .onTermination().invoke(() -> {
                        waits.cancel();
                        read.cancel();
                    });
        });
    }

    private Uni<Void> analyse(Trigger trigger, HistoryWindow window, Scope scope) {
        if (window.messageCount() == 0 && isDerived(trigger)) {
            metrics.analysisSkipped(SkipReason.HISTORY_EXPIRED);
            return Uni.createFrom().voidItem();
        }
        return untilDone(Stage.FORMAT, scope, () -> cpu.run(window.bytes(), () -> Conversation.of(window, formatter)))
                .chain(conversation -> analyse(trigger, conversation, scope));
    }

    /**
     * A step subscribed at once, so that it runs alongside others, and awaited only if its result turns out to be
     * needed; otherwise cancelled (which ends its retries).
     */
    private static final class Started<T> {

        private final CompletableFuture<T> outcome = new CompletableFuture<>();
        private final Cancellable subscription;

        Started(Uni<T> step) {
            this.subscription = step.subscribe().with(outcome::complete, outcome::completeExceptionally);
        }

        Uni<T> result() {
            return Uni.createFrom().completionStage(outcome);
        }

        void cancel() {
            subscription.cancel();
        }
    }

    private static boolean isDerived(Trigger trigger) {
        return Trigger.IDLE.equals(trigger.type()) || Trigger.PROGRESS.equals(trigger.type());
    }

    private Uni<Void> analyse(Trigger trigger, Conversation conversation, Scope scope) {
        if (conversation.unreadable() > 0) {
            metrics.unreadableHistoryEntries(conversation.unreadable());
            scope.log(() -> PipelineLog.LOG.unreadableHistory(conversation.unreadable(),
                    LogSafe.oneLine(trigger.conversationId())));
        }
        if (conversation.unplaced() > 0) {
            metrics.unplacedHistoryEntries(conversation.unplaced());
        }
        return analyzer.analyse(conversation.entries(), conversation.formatted(), scope.trace())
                .chain(outcome -> outcome.llmUnreachable() && !waitConfig.maxWait().isZero()
                        ? waitForLlm(WaitingAnalysis.of(trigger, conversation.formatted(), outcome,
                                clock.instant()), outcome, scope)
                        : publish(AnalysisRecord.of(trigger, conversation.formatted(), outcome, now()),
                                trigger.timestamp(), scope));
    }

    /**
     * No LLM could be reached: the analysis waits in Redis, outside the in-flight slots, and the trigger is done
     * with; {@link WaitingAnalysisResumer} tries it again later. If too many wait already, it is published as
     * failed now.
     */
    private Uni<Void> waitForLlm(WaitingAnalysis analysis, AnalysisOutcome outcome, Scope scope) {
        return untilDone(Stage.WAIT_PARK, scope, () -> waiting.park(analysis)).chain(parked -> {
            metrics.waiting(switch (parked) {
                case WAITING -> WaitEvent.WAITING;
                case ALREADY_WAITING -> WaitEvent.ALREADY_WAITING;
                case FULL -> WaitEvent.FULL;
            });
            return switch (parked) {
                case WAITING -> untilDone(Stage.PUBLISH_NOTIFICATION, scope, () -> outage.analysisWaiting(analysis));
                case ALREADY_WAITING -> Uni.createFrom().voidItem();
                case FULL -> publish(analysis.toRecord(AnalysisOutcome.failed(outcome.error() + "; not kept waiting: "
                        + waitConfig.maxWaiting() + " analyses wait already (analysis.max-waiting)",
                        outcome.llmLatencyMs(), true), now()), OffsetDateTime.parse(analysis.triggeredAt()), scope);
            };
        });
    }

    /**
     * A waiting analysis whose turn has come: the LLM is asked again. Answered, it is published; unreachable
     * still, it waits again, unless it has waited {@code analysis.max-wait}: then it is published as failed.
     */
    public Uni<Void> resume(WaitingAnalysis analysis) {
        // Published already (by an attempt that failed after publishing, or by its trigger redelivered): done.
        // Its trigger's trace ended when it was parked: a resumed analysis starts a trace of its own.
        Scope scope = Scope.resumed(analysis);
        return untilDone(Stage.PUBLISHED_CHECK, scope, () -> wasPublished(analysis.conversationId(), analysis.id()))
                .chain(published -> published
                        ? untilDone(Stage.WAIT_DONE, scope, () -> waiting.done(analysis))
                                .invoke(() -> metrics.analysisSkipped(SkipReason.ALREADY_PUBLISHED))
                        : askAgain(analysis, scope));
    }

    private Uni<Void> askAgain(WaitingAnalysis analysis, Scope scope) {
        return analyzer.askLlm(analysis.conversation(), scope.trace()).chain(outcome -> {
            AnalysisOutcome published = outcome;
            if (outcome.llmUnreachable()) {
                if (!analysis.waitedAtLeast(waitConfig.maxWait(), clock.instant())) {
                    metrics.waiting(WaitEvent.RETRY);
                    return untilDone(Stage.WAIT_RESCHEDULE, scope,
                            () -> waiting.retryLater(analysis.failedAgain(outcome.error())));
                }
                published = AnalysisOutcome.failed("no LLM answered within analysis.max-wait ("
                        + waitConfig.maxWait().toSeconds() + " s, " + (analysis.attempts() + 1)
                        + " attempts); last error: " + outcome.error(), outcome.llmLatencyMs(), true);
            }
            metrics.waiting(outcome.llmUnreachable() ? WaitEvent.EXPIRED : WaitEvent.RESUMED);
            // A publication retried through a Kafka outage can outlast the claim: each retry renews it, so that
            // no other instance claims (and publishes) the analysis meanwhile.
            Runnable renewClaim = () -> waiting.renew(List.of(analysis)).subscribe().with(ok -> {
            }, failure -> LOG.debugf("Could not renew the claim of %s: %s", analysis.id(), failure));
            return publish(analysis.toRecord(published, now()), OffsetDateTime.parse(analysis.triggeredAt()),
                    renewClaim, scope)
                    .call(() -> untilDone(Stage.WAIT_DONE, scope, () -> waiting.done(analysis)));
        });
    }

    /**
     * A waiting analysis that kept failing for reasons other than the LLM is given up: it is still published, as
     * {@code failed} with the reason (the contract: every trigger gets its analysis), then leaves the waiting room.
     */
    public Uni<Void> giveUp(WaitingAnalysis analysis, String reason) {
        AnalysisRecord failed = analysis.toRecord(AnalysisOutcome.failed("given up after repeated unexpected "
                + "failures; last: " + reason, 0, false), now());
        Scope scope = Scope.resumed(analysis);
        return publish(failed, parseOrNull(analysis.triggeredAt()), () -> {
        }, scope).call(() -> untilDone(Stage.WAIT_DONE, scope, () -> waiting.done(analysis)));
    }

    private static OffsetDateTime parseOrNull(String timestamp) {
        try {
            return OffsetDateTime.parse(timestamp);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Publishes the analysis and its notification, then remembers it as published (so a redelivery skips it). */
    private Uni<Void> publish(AnalysisRecord analysis, OffsetDateTime triggeredAt, Scope scope) {
        return publish(analysis, triggeredAt, () -> {
        }, scope);
    }

    /** @param onRetry runs before each retry of a step that failed for a transient reason */
    private Uni<Void> publish(AnalysisRecord analysis, OffsetDateTime triggeredAt, Runnable onRetry,
            Scope scope) {
        if (scope.mayPublish() == Scope.ALWAYS) {
            return publishNow(analysis, triggeredAt, onRetry, scope);
        }
        return untilDone(Stage.CLAIM_CHECK, scope, scope.mayPublish()).chain(mayPublish -> {
            if (!mayPublish) {
                return Uni.createFrom().voidItem(); // counted by whoever said no, with its reason
            }
            return publishNow(analysis, triggeredAt, onRetry, scope);
        });
    }

    private Uni<Void> publishNow(AnalysisRecord analysis, OffsetDateTime triggeredAt, Runnable onRetry,
            Scope scope) {
        return untilDone(Stage.PUBLISH_ANALYSIS, scope, () -> analyses.publish(analysis, scope.trace()), onRetry)
                .call(() -> {
                    // Decided once (a failed analysis counts once towards its burst); only the sending is retried.
                    Uni<Void> notification = notifications.notifyIfNeeded(analysis, scope.trace());
                    return untilDone(Stage.PUBLISH_NOTIFICATION, scope, () -> notification, onRetry);
                })
                .call(() -> untilDone(Stage.MARK_PUBLISHED, scope, () -> markPublished(analysis), onRetry))
                .invoke(() -> {
                    metrics.analysis(analysis.status(), analysis.provider());
                    if (triggeredAt != null) {
                        metrics.endToEnd(Duration.between(triggeredAt.toInstant(), clock.instant()));
                    }
                });
    }

    /**
     * The marks of published analyses only save repeats: if they cannot be read (a key damaged by hand, say), the
     * trigger is analysed as if nothing was published, rather than failed.
     */
    private Uni<Boolean> wasPublished(String conversationId, String analysisId) {
        return history.wasPublished(conversationId, analysisId)
                .onFailure(failure -> !TransientFailures.isTransient(failure)).recoverWithItem(failure -> {
                    EventLogFields.log(conversationId, null,
                            () -> PipelineLog.LOG.publishedMarksUnreadable(LogSafe.oneLine(conversationId),
                                    LogSafe.oneLine(failure.getMessage())));
                    return false;
                });
    }

    /** Likewise, a mark that cannot be written must not make a published analysis fail (and be published again). */
    private Uni<Void> markPublished(AnalysisRecord analysis) {
        return history.markPublished(analysis.conversationId(), analysis.analysisId())
                .onFailure(failure -> !TransientFailures.isTransient(failure)).recoverWithUni(failure -> {
                    EventLogFields.log(analysis.conversationId(), analysis.triggerEventId(),
                            () -> PipelineLog.LOG.publishedMarkNotWritten(analysis.analysisId(), failure.getMessage()));
                    return Uni.createFrom().voidItem();
                });
    }

    /** The worker is stopping: transient failures are no longer retried; their records stay unacknowledged. */
    @Override
    public void stop() {
        stopping = true;
    }

    /**
     * Retries a step for as long as its failure is transient (Redis or Kafka away, the CPU pool full), with capped
     * backoff, until the worker stops.
     */
    private <T> Uni<T> untilDone(Stage stage, Scope scope, Supplier<Uni<T>> step) {
        return untilDone(stage, scope, step, () -> {
        });
    }

    /** Each attempt of a step is a span, under the trace of the event it is for. */
    private <T> Uni<T> untilDone(Stage stage, Scope scope, Supplier<Uni<T>> step, Runnable onRetry) {
        return UntilDone.run(() -> traces.span(stage.value(), scope.trace(), step), this::retryable, failure -> {
            onRetry.run();
            metrics.transientRetry(stage);
            scope.log(() -> PipelineLog.LOG.transientFailure(stage.value(), failure.getClass().getSimpleName(),
                    failure.getMessage()));
        }, retryBackoff);
    }

    private boolean retryable(Throwable failure) {
        return !stopping && TransientFailures.isTransient(failure);
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /**
     * What an event's steps and log lines are under: its trace, and the ids its log lines name; and whether its
     * analysis may still be published when it is ready to be (an idle analysis may have lost its claim meanwhile).
     */
    private record Scope(Context trace, String conversationId, String eventId, Supplier<Uni<Boolean>> mayPublish) {

        /** Every trigger but an idle one: nothing to check. */
        private static final Supplier<Uni<Boolean>> ALWAYS = () -> Uni.createFrom().item(Boolean.TRUE);

        Scope(Context trace, String conversationId, String eventId) {
            this(trace, conversationId, eventId, ALWAYS);
        }

        static Scope resumed(WaitingAnalysis analysis) {
            return new Scope(Context.root(), analysis.conversationId(), analysis.triggerEventId());
        }

        void log(Runnable line) {
            EventLogFields.log(conversationId, eventId, line);
        }
    }

    /** A stored history decoded and rendered: the CPU part of an analysis. */
    private record Conversation(List<HistoryEntry> entries, FormattedConversation formatted, int unreadable,
            int unplaced) {

        static Conversation of(HistoryWindow window, ConversationFormatter formatter) {
            HistoryCodec.Decoded decoded = HistoryCodec.decode(window.entries());
            int total = Math.max(decoded.entries().size(), window.messageCount() - decoded.unreadable());
            return new Conversation(decoded.entries(), formatter.format(decoded.entries(), total),
                    decoded.unreadable(), Math.max(0, window.unplaced() - decoded.unreadable()));
        }
    }
}
