package dev.conversationworker.analysis;

import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import dev.conversationworker.ops.MetricLabels.LlmOutcome;

/**
 * How a failed LLM race reads: a race's failure carries its other calls' failures as suppressed ones, and what the
 * analysis becomes depends on all of them (waits, answered offline, or published as failed with this error).
 */
final class LlmFailures {

    private LlmFailures() {
    }

    /** Some call was not made for want of budget. */
    static boolean budgetSpent(Throwable failure) {
        return any(failure, f -> f instanceof LlmCallException call && call.budgetSpent());
    }

    /** No LLM could be reached: the deadline passed, or some endpoint was down, overloaded or refused the key. */
    static boolean unreachable(Throwable failure) {
        return any(failure, f -> f instanceof TimeoutException || f instanceof LlmCallException call
                && call.unreachable());
    }

    private static boolean any(Throwable failure, Predicate<Throwable> test) {
        if (test.test(failure)) {
            return true;
        }
        for (Throwable s : failure.getSuppressed()) {
            if (test.test(s)) {
                return true;
            }
        }
        return false;
    }

    /** One call's failure, as the latency metric labels it. */
    static LlmOutcome outcomeOf(Throwable failure) {
        if (failure instanceof InvalidAnswerException) {
            return LlmOutcome.INVALID;
        }
        if (failure instanceof LlmCallException call) {
            return call.retryable() ? LlmOutcome.UNAVAILABLE : LlmOutcome.REJECTED;
        }
        return LlmOutcome.ERROR;
    }

    /**
     * The {@code error} of a failed analysis: our own messages (HTTP status, invalid answer, deadline, circuit) as
     * they are, anything else reduced to its {@link FailureKind}, so no host, address, port or URL is published.
     */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(describeOne(failure));
        for (Throwable s : failure.getSuppressed()) {
            text.append("; ").append(describeOne(s));
        }
        return text.toString();
    }

    private static String describeOne(Throwable failure) {
        boolean ours = failure instanceof LlmCallException || failure instanceof InvalidAnswerException
                || failure.getClass() == TimeoutException.class;
        return ours && failure.getMessage() != null ? failure.getMessage() : FailureKind.of(failure);
    }
}
