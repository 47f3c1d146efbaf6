package dev.conversationworker.pipeline;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.analysis.ConversationAnalyzer;
import dev.conversationworker.idle.ClaimedConversation;
import dev.conversationworker.ingest.ChatEventHandler;
import dev.conversationworker.ingest.Outbox;
import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Trigger;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.ops.MetricLabels.SkipReason;

/**
 * Where an event goes, start to end, as a sequence of named steps (each a class of this package):
 * <ol>
 * <li>{@link ParseStep}: the record becomes an event (on the CPU pool);
 * <li>{@link StoreEventStep}: a message is appended to its conversation's history (arming its idle timer); a
 * trigger disarms the timer, alongside the next step;
 * <li>{@link ReadHistoryStep}: skipped if published already or waiting; else the history as it stood at the
 * trigger is read;
 * <li>{@link FormatStep}: decoded and rendered for the LLM (on the CPU pool);
 * <li>{@link PseudonymiseStep}: personal data replaced by placeholders (on the CPU pool); if that fails, nothing
 * of the text may reach an LLM;
 * <li>{@link AnalyseStep}: the LLM is asked (the offline analyzer, for a conversation withheld);
 * <li>{@link WaitingRoomStep}: no LLM reachable, the analysis waits in Redis and is resumed later ({@link #resume});
 * <li>{@link PublishStep}: otherwise the analysis is published, its notification sent, and it is marked published.
 * </ol>
 * Every step's I/O runs through {@link StepRunner}: a span per attempt, transient failures retried. The steps are
 * singletons, made with the pipeline (no client proxy between them). The returned {@link Uni} completes once every
 * effect is durable, and fails with {@code InvalidEventException} for poison.
 */
@ApplicationScoped
public class ConversationPipeline implements ChatEventHandler {

    private static final Uni<Void> NOTHING_ALONGSIDE = Uni.createFrom().voidItem();

    // Package-private fields, injected: adding a step is one field here and one .chain below.
    @Inject
    StepRunner steps;
    @Inject
    ParseStep parse;
    @Inject
    StoreEventStep store;
    @Inject
    ReadHistoryStep read;
    @Inject
    FormatStep format;
    @Inject
    PseudonymiseStep pseudonymise;
    @Inject
    AnalyseStep analyse;
    @Inject
    WaitingRoomStep waitingRoom;
    @Inject
    PublishStep publish;

    /**
     * @param partition the record's partition and {@code offset} its offset: a message is stored with them, and a
     *        trigger reads only the messages stored before it
     * @param outbox exactly-once mode: where its analysis and notification go, committed with its offset
     */
    @Override
    public Uni<Void> process(byte[] recordKey, byte[] recordValue, int partition, long offset, Context trace,
            Outbox outbox) {
        return parse.parse(recordKey, recordValue, trace).chain(event -> {
            TracedEvent traced = new TracedEvent(trace, event.conversationId(), event.eventId(), outbox);
            return event.isMessage()
                    ? storeMessage(event, partition, offset, traced)
                    : trigger(event, partition, offset, traced);
        });
    }

    /**
     * A message is stored; every {@code analysis.every-messages}-th is then analysed as
     * {@code conversation.progress}, in this record's turn, up to and including it (read before the next offset).
     */
    private Uni<Void> storeMessage(ChatEvent message, int partition, long offset, TracedEvent event) {
        return store.storeMessage(message, partition, offset, event).chain(progress -> progress == null
                ? Uni.createFrom().voidItem()
                : analyse(progress, partition, offset + 1, event, NOTHING_ALONGSIDE));
    }

    /** A {@code conversation.closed} or {@code analysis.requested}: analysed, its idle timer disarmed alongside. */
    private Uni<Void> trigger(ChatEvent trigger, int partition, long offset, TracedEvent event) {
        return analyse(Trigger.of(trigger), partition, offset, event,
                store.disarmIdleTimer(trigger, partition, offset, event));
    }

    /**
     * Read → format → pseudonymise → analyse → park or publish: the conversation as it stood at the trigger. A new
     * step between two of these is one more {@code .chain} here.
     */
    private Uni<Void> analyse(Trigger trigger, int partition, long offset, TracedEvent event, Uni<Void> alongside) {
        return read.readUnlessSkipped(trigger, partition, offset, event, alongside).chain(window -> window == null
                ? Uni.createFrom().voidItem()
                : format.format(window, event)
                        .chain(formatted -> pseudonymise.pseudonymise(formatted, event))
                        .chain(conversation -> analyse.analyse(conversation, event)
                                .chain(outcome -> parkOrPublish(trigger, conversation.formatted(), outcome, event))));
    }

    private Uni<Void> parkOrPublish(Trigger trigger, FormattedConversation conversation, AnalysisOutcome outcome,
            TracedEvent event) {
        return waitingRoom.takes(outcome)
                ? waitingRoom.park(trigger, conversation, outcome, event)
                : publish.publish(AnalysisRecord.of(trigger, conversation, outcome, publish.now()),
                        conversation.originals(), trigger.timestamp(), event);
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
        return analyse(idleTrigger(claimed), claimed.armed().partition(), claimed.armed().offset() + 1,
                TracedEvent.idle(claimed, mayPublish), NOTHING_ALONGSIDE);
    }

    /**
     * An idle analysis that failed {@code analysis.idle.max-attempts} times is given up: published as
     * {@code failed} with the reason (the contract: every trigger gets its analysis), unless it was published
     * already. No LLM is asked; the history is read only to count its messages, and not even that if it cannot be.
     */
    public Uni<Void> giveUpIdle(ClaimedConversation claimed, int attempts, String reason,
            Supplier<Uni<Boolean>> mayPublish) {
        Trigger trigger = idleTrigger(claimed);
        TracedEvent event = TracedEvent.idle(claimed, mayPublish);
        Uni<Integer> messages = read.messageCount(claimed.conversationId(), claimed.armed().partition(),
                claimed.armed().offset() + 1);
        return read.alreadyPublished(trigger.conversationId(), trigger.analysisId(), event).chain(published -> published
                ? read.skipped(SkipReason.ALREADY_PUBLISHED)
                : messages.chain(count -> publish.publish(AnalysisRecord.of(trigger,
                        new FormattedConversation("", count, 0, false), AnalysisOutcome.failed("given up after "
                                + attempts + " attempts of the idle analysis; last: " + reason, 0, false)
                                .costing(LlmUsage.NONE, ConversationAnalyzer.promptVersion()),
                        publish.now()), trigger.timestamp(), event)));
    }

    private static Trigger idleTrigger(ClaimedConversation claimed) {
        return Trigger.idle(claimed.conversationId(), claimed.armed().eventId(),
                claimed.dueAt().atOffset(ZoneOffset.UTC));
    }

    /**
     * A waiting analysis whose turn has come: unless published already, the LLM is asked again. Answered, it is
     * published; unreachable still, it waits again, unless it has waited {@code analysis.max-wait}: then it is
     * published as failed. Published, it leaves the waiting room.
     */
    public Uni<Void> resume(WaitingAnalysis analysis) {
        TracedEvent event = TracedEvent.resumed(analysis);
        return read.alreadyPublished(analysis.conversationId(), analysis.id(), event).chain(published -> published
                ? waitingRoom.leaveAsPublished(analysis, event)
                : pseudonymise.pseudonymiseParked(analysis.conversation(), event)
                        .chain(conversation -> analyse.askAgain(conversation, analysis.spent(), event)
                                .chain(outcome -> {
                                    AnalysisOutcome result = waitingRoom.afterAnotherAttempt(analysis, outcome);
                                    return result == null
                                            ? waitingRoom.retryLater(analysis, outcome, event)
                                            : publish.publish(analysis.toRecord(conversation, result, publish.now()),
                                                    conversation.originals(),
                                                    OffsetDateTime.parse(analysis.triggeredAt()),
                                                    waitingRoom.renewClaim(analysis), event)
                                                    .call(() -> waitingRoom.leave(analysis, event));
                                })));
    }

    /**
     * A waiting analysis that kept failing for reasons other than the LLM is given up: it is still published, as
     * {@code failed} with the reason (the contract: every trigger gets its analysis), then leaves the waiting room.
     */
    public Uni<Void> giveUp(WaitingAnalysis analysis, String reason) {
        AnalysisRecord failed = analysis.toRecord(AnalysisOutcome.failed("given up after repeated unexpected "
                + "failures; last: " + reason, 0, false)
                .costing(analysis.spent(), ConversationAnalyzer.promptVersion()),
                publish.now());
        TracedEvent event = TracedEvent.resumed(analysis);
        return publish.publish(failed, parseOrNull(analysis.triggeredAt()), event)
                .call(() -> waitingRoom.leave(analysis, event));
    }

    private static OffsetDateTime parseOrNull(String timestamp) {
        try {
            return OffsetDateTime.parse(timestamp);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The worker is stopping: transient failures are no longer retried; their records stay unacknowledged. */
    @Override
    public void stop() {
        steps.stop();
    }
}
