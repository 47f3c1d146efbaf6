package dev.conversationworker.ingest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An outbox handed to {@link ExactlyOnceCommitter}, or the fallback that replaced it ({@code committed} stays the
 * first one's); {@code ticket} is null for work of no event (an idle or a resumed analysis). {@code refused}: the
 * first refusal of one of its records, told by the producer's callback.
 */
record PendingOutbox(PartitionHandover.Ticket ticket, Outbox outbox, CompletableFuture<Void> sent,
        CompletableFuture<Outbox> committed, AtomicReference<RuntimeException> refused)
        implements
            ExactlyOnceCommitter.Request {

    PendingOutbox(PartitionHandover.Ticket ticket, Outbox outbox) {
        this(ticket, outbox, new CompletableFuture<>(), outbox.committed(), new AtomicReference<>());
    }

    PendingOutbox replacedBy(Outbox replacement) {
        return new PendingOutbox(ticket, replacement, sent, committed, new AtomicReference<>());
    }
}
