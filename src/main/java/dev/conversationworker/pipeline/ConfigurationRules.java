package dev.conversationworker.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.conversationworker.ingest.DeliveryGuaranteeDefaults;

/**
 * Rules between settings of different keys, which no single {@code @ConfigMapping} can check: each broken rule is
 * one message naming the keys and their values. Checked at start-up ({@link ConfigurationCheck}), so that a worker
 * configured against itself does not start.
 */
final class ConfigurationRules {

    private final List<String> broken = new ArrayList<>();

    /** A claim must outlive an LLM call, or another instance takes over an analysis still being tried. */
    ConfigurationRules leaseOutlivesTheLlmDeadline(Duration lease, Duration deadline) {
        return require(lease.compareTo(deadline) > 0, "analysis.lease (" + lease + ") must be longer than "
                + "llm.deadline (" + deadline + "): a claim must outlive the LLM call it was made for");
    }

    /** The append script remembers ids of at least every stored message, or a redelivered one is stored twice. */
    ConfigurationRules dedupeWindowCoversTheHistory(int dedupeWindow, int maxMessages) {
        return require(dedupeWindow >= maxMessages, "history.dedupe-window (" + dedupeWindow + ") must be at least "
                + "history.max-messages (" + maxMessages + "): a redelivered message still stored must be known");
    }

    /** An idle timer that falls due after its conversation's history expired would analyse nothing. */
    ConfigurationRules idleFallsDueBeforeTheHistoryExpires(Duration idleAfter, Duration ttl) {
        return require(idleAfter.compareTo(ttl) < 0, "analysis.idle.after (" + idleAfter + ") must be shorter than "
                + "history.ttl (" + ttl + "): an idle conversation's history must still be there to analyse");
    }

    /**
     * A history stored pseudonymised needs the key of its tokens (never quoted here: it is a secret), and keeps no
     * original value an analysis could restore.
     */
    ConfigurationRules pseudonymisedHistoryIsKeyed(boolean inHistory, Optional<String> key, boolean restore) {
        if (!inHistory) {
            return this;
        }
        return require(key.filter(k -> k.length() >= MIN_HISTORY_KEY_CHARS).isPresent(),
                "pseudonymise.in-history needs pseudonymise.history-key (PSEUDONYMISE_HISTORY_KEY) of at least "
                        + MIN_HISTORY_KEY_CHARS + " characters, shared by every instance")
                .require(!restore, "pseudonymise.restore-in-analysis cannot be on with pseudonymise.in-history: "
                        + "a history stored pseudonymised keeps no original value to restore");
    }

    static final int MIN_HISTORY_KEY_CHARS = 32;

    /**
     * Exactly once commits offsets in the worker's transactions only: a commit of SmallRye's beside them would
     * overwrite their map of finished records (and commit outputs' offsets outside their transaction).
     */
    ConfigurationRules oneCommitterOfOffsets(boolean exactlyOnce, String commitStrategy) {
        return require(!exactlyOnce || "ignore".equals(commitStrategy), "worker.delivery-guarantee=exactly-once "
                + "commits the input's offsets itself: " + DeliveryGuaranteeDefaults.COMMIT_STRATEGY
                + " must be ignore (its default in that mode), got " + commitStrategy);
    }

    ConfigurationRules notNegative(String key, long value) {
        return require(value >= 0, key + " must not be negative, got " + value);
    }

    ConfigurationRules backoffGrows(String initialKey, Duration initial, String maxKey, Duration max) {
        return require(!initial.isNegative() && initial.compareTo(max) <= 0, initialKey + " (" + initial
                + ") must not be negative nor longer than " + maxKey + " (" + max + ")");
    }

    ConfigurationRules positive(String key, long value) {
        return atLeast(key, value, 1);
    }

    ConfigurationRules atLeast(String key, long value, long min) {
        return require(value >= min, key + " must be at least " + min + ", got " + value);
    }

    List<String> broken() {
        return List.copyOf(broken);
    }

    private ConfigurationRules require(boolean holds, String message) {
        if (!holds) {
            broken.add(message);
        }
        return this;
    }
}
