package dev.conversationworker.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.support.TokenCount;

/**
 * The tokens of one analysis, call by call: each HTTP call is {@linkplain #open opened} just before its request is
 * made, marked {@linkplain Call#sent sent} once it is written to a connection, and settled exactly once, with the
 * usage the provider reported, or, when the answer was lost (a cancelled hedge, the deadline, an I/O error), with an
 * estimate of the prompt tokens the provider would still bill, counted when the {@linkplain #total total} is read;
 * a call given up before it was sent costs nothing.
 * <p>
 * With a {@link TokenBudget}, opening a call reserves its worst case for the fleet, and settling it replaces the
 * reservation by what it cost; a call lost after it was sent keeps its worst case (the provider may bill it all).
 * <p>
 * One per analysis, passed down the call chain; no state is shared between analyses. Thread-safe: the primary and
 * the fallback settle from different event loops, and the deadline may read the total while a call is open (an
 * open call counts as lost: it was sent and its answer will not be used).
 */
final class UsageLedger {

    /** Told of every settled call: the metrics. */
    @FunctionalInterface
    interface Sink {

        void billed(String endpoint, LlmUsage call);

        Sink NONE = (endpoint, call) -> {
        };
    }

    private final LlmUsage before;
    private final Sink sink;
    private final TokenBudget budget;
    private final List<Call> open = new ArrayList<>(2);
    private LlmUsage settled = LlmUsage.NONE;

    /** @param before what earlier attempts of the same analysis cost (a waiting analysis asked again) */
    UsageLedger(LlmUsage before, Sink sink) {
        this(before, sink, TokenBudget.UNLIMITED);
    }

    UsageLedger(LlmUsage before, Sink sink, TokenBudget budget) {
        this.before = before;
        this.sink = sink;
        this.budget = budget;
    }

    /**
     * A request is about to be sent: its worst case is reserved first, when there is a budget.
     *
     * @param promptTokens the prompt counted with the model's tokenizer: asked for only when the call is lost, or
     *        when the budget has no room for {@code promptBound} (then counted on a worker thread)
     * @param promptBound at least the prompt's tokens, cheaply ({@link TokenCount#chatPromptTokensAtMost})
     * @param maxCompletionTokens the most its answer may have
     * @return the call, or a {@link LlmCallException#budgetSpent} failure when the budget has no room for it
     */
    Uni<Call> open(String endpoint, IntSupplier promptTokens, long promptBound, int maxCompletionTokens) {
        if (!budget.limited()) {
            return Uni.createFrom().item(opened(endpoint, promptTokens, TokenBudget.Reservation.FREE));
        }
        return budget.reserve(promptBound + maxCompletionTokens, maxCompletionTokens)
                // Refused for the bound, the exact count may still fit; not when not even an answer would.
                .chain(bounded -> bounded.denied() && bounded.left() >= maxCompletionTokens
                        ? Uni.createFrom().item(() -> (long) promptTokens.getAsInt() + maxCompletionTokens)
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                                .chain(budget::reserve)
                        : Uni.createFrom().item(bounded))
                .map(reservation -> {
                    if (reservation.denied()) {
                        throw LlmCallException.budgetSpent(endpoint + " is not called: the fleet's LLM budget of "
                                + budget.tokensPerHour() + " tokens per hour is spent");
                    }
                    return opened(endpoint, promptTokens, reservation);
                });
    }

    private Call opened(String endpoint, IntSupplier promptTokens, TokenBudget.Reservation reservation) {
        Call call = new Call(endpoint, promptTokens, reservation);
        synchronized (this) {
            open.add(call);
        }
        return call;
    }

    /**
     * Whether {@link #total} has a prompt to count with the tokenizer (a call sent and not answered): then read it
     * off the event loop, for counting a long prompt takes milliseconds.
     */
    synchronized boolean needsCounting() {
        return open.stream().anyMatch(call -> call.sent);
    }

    /**
     * Everything: the settled calls, and the ones sent and still open settled now as lost (the provider bills the
     * prompt it read; a later answer is not counted again). A call not sent yet counts nothing and stays open.
     */
    LlmUsage total() {
        List<Call> stillOpen;
        synchronized (this) {
            stillOpen = List.copyOf(open);
        }
        for (Call call : stillOpen) {
            if (call.sent) {
                settle(call, call.lostUsage(), true);
            }
        }
        synchronized (this) {
            return before.plus(settled);
        }
    }

    /**
     * @param lost its answer was lost after it was sent: the ledger counts its prompt, but the budget keeps its
     *        worst case, for a provider may finish (and bill) a request whose client went away
     */
    private void settle(Call call, LlmUsage usage, boolean lost) {
        synchronized (this) {
            if (!open.remove(call)) {
                return; // settled already
            }
            settled = settled.plus(usage);
        }
        sink.billed(call.endpoint, usage);
        budget.settle(call.reservation, lost
                ? call.reservation.tokens()
                : usage.promptTokens() + usage.completionTokens());
    }

    /** One HTTP call of the analysis; the first of its settling methods counts, later ones do nothing. */
    final class Call {

        private final String endpoint;
        private final IntSupplier promptTokens;
        private final TokenBudget.Reservation reservation;
        private volatile boolean sent;

        private Call(String endpoint, IntSupplier promptTokens, TokenBudget.Reservation reservation) {
            this.endpoint = endpoint;
            this.promptTokens = promptTokens;
            this.reservation = reservation;
        }

        /** Written to a connection: from now on the provider may bill it. */
        void sent() {
            sent = true;
        }

        /** An answer with its usage (reported, or estimated when the provider left it out). */
        void answered(LlmUsage usage) {
            settle(this, usage, false);
        }

        /** An answer that bills nothing: an error status (429, 5xx, 4xx), processed by no model. */
        void refused() {
            settle(this, new LlmUsage(0, 0, 0, 1, false), false);
        }

        /**
         * Its answer lost: if it was sent, the provider bills the prompt it read, counted when the total is read (on a
         * worker thread, not here on an event loop); if not, nothing.
         */
        void lost() {
            if (!sent) {
                settle(this, LlmUsage.NONE, false);
            }
        }

        private LlmUsage lostUsage() {
            return sent ? new LlmUsage(promptTokens.getAsInt(), 0, 0, 1, true) : LlmUsage.NONE;
        }
    }
}
