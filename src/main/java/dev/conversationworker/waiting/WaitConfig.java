package dev.conversationworker.waiting;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Analyses that no LLM could answer because none was reachable (down, circuit open, key rejected) wait in Redis,
 * outside the in-flight slots, and are tried again until an LLM answers or {@code max-wait} has passed.
 */
@ConfigMapping(prefix = "analysis")
public interface WaitConfig {

    /** Longest an analysis waits for an LLM; after it, the analysis is published as {@code failed}. 0 = no wait. */
    @WithDefault("15m")
    Duration maxWait();

    /** Most analyses waiting at once (they hold the formatted conversation in Redis); beyond it, failed at once. */
    @WithDefault("100000")
    int maxWaiting();

    /** Delay before the first new attempt; it doubles with every attempt, up to {@code retry-max-backoff}. */
    @WithDefault("5s")
    Duration retryInitialBackoff();

    @WithDefault("1m")
    Duration retryMaxBackoff();

    /** How often an instance looks for analyses whose attempt is due. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Waiting analyses an instance tries at once (they also queue for the LLM's own concurrency limit). */
    @WithDefault("64")
    int maxResuming();

    /** How long a claimed analysis belongs to the instance that claimed it; if that instance dies, another takes
     * it after this. Longer than {@code llm.deadline}. */
    @WithDefault("2m")
    Duration lease();
}
