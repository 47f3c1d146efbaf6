package dev.conversationworker.pipeline;

import java.util.function.Supplier;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.idle.ClaimedConversation;
import dev.conversationworker.ingest.Outbox;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.ops.EventLogFields;

/**
 * The event a step works for: its trace (each attempt of a step is a span under it), the ids its log lines name,
 * whether its analysis may still be published when it is ready to be (an idle analysis may have lost its claim
 * meanwhile), and, in exactly-once mode, the outbox of its record (none for work of no record: an idle or resumed
 * analysis is committed in a transaction of its own).
 */
record TracedEvent(Context trace, String conversationId, String eventId, Supplier<Uni<Boolean>> mayPublish,
        Outbox outbox) {

    /** Every trigger but an idle one: nothing to check. */
    static final Supplier<Uni<Boolean>> ALWAYS = () -> Uni.createFrom().item(Boolean.TRUE);

    TracedEvent(Context trace, String conversationId, String eventId) {
        this(trace, conversationId, eventId, ALWAYS, null);
    }

    /** @param outbox exactly-once mode: the record's, committed with its offset; null otherwise */
    TracedEvent(Context trace, String conversationId, String eventId, Outbox outbox) {
        this(trace, conversationId, eventId, ALWAYS, outbox);
    }

    /** Its trigger's trace ended when it was parked: a resumed analysis starts a trace of its own. */
    static TracedEvent resumed(WaitingAnalysis analysis) {
        return new TracedEvent(Context.root(), analysis.conversationId(), analysis.triggerEventId(), null);
    }

    /** A trace of its own: no record caused it. */
    static TracedEvent idle(ClaimedConversation claimed, Supplier<Uni<Boolean>> mayPublish) {
        return new TracedEvent(Context.root(), claimed.conversationId(), claimed.armed().eventId(), mayPublish, null);
    }

    void log(Runnable line) {
        EventLogFields.log(conversationId, eventId, line);
    }
}
