package dev.conversationworker.schedule;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * When the worker analyses by itself, and how its two leased schedules run: the waiting room (analyses waiting for
 * an LLM; its keys sit directly under {@code analysis.}, as they always have) and the idle schedule
 * ({@code analysis.idle.*}).
 */
@ConfigMapping(prefix = "analysis")
public interface AnalysisConfig {

    /** The waiting room. */
    @WithParentName
    Waiting waiting();

    /** The idle schedule. */
    Idle idle();

    /** Every this many stored messages the conversation is analysed, as {@code conversation.progress}. 0 = off. */
    @WithDefault("0")
    int everyMessages();

    /**
     * Analyses that no LLM could answer because none was reachable (down, circuit open, key rejected) wait in
     * Redis, outside the in-flight slots, and are tried again until an LLM answers or {@code max-wait} has passed.
     */
    interface Waiting {

        /** Longest an analysis waits for an LLM; after it, the analysis is published as {@code failed}. 0 = no wait. */
        @WithDefault("15m")
        Duration maxWait();

        /** Most analyses waiting at once (they hold the formatted conversation in Redis); beyond it, failed at once. */
        @WithDefault("100000")
        int maxWaiting();

        /** Delay before the first new attempt; it doubles with every attempt, up to {@code retry-max-backoff}. */
        @WithDefault("5s")
        Duration retryInitialBackoff();

        /** Longest delay between two attempts of a waiting analysis. */
        @WithDefault("1m")
        Duration retryMaxBackoff();

        /** How often an instance looks for analyses whose attempt is due. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Waiting analyses an instance tries at once (they also queue for the LLM's own concurrency limit). */
        @WithDefault("64")
        int maxResuming();

        /**
         * How long a claimed analysis belongs to the instance that claimed it, which renews it every third of this
         * while it holds it; if that instance dies, another takes it after this. Longer than {@code llm.deadline}.
         */
        @WithDefault("2m")
        Duration lease();
    }

    /**
     * Conversations that never send {@code conversation.closed}: one that received a message and then nothing for
     * {@code after} is analysed once, as {@code conversation.idle}.
     */
    interface Idle {

        /**
         * A conversation that received a message and then nothing for this long is analysed once, as
         * {@code conversation.idle}; a close or a request after its last message disarms it. 0 = off.
         */
        @WithDefault("30m")
        Duration after();

        /**
         * How long a claim on an idle conversation lasts unless renewed. The claiming instance renews it every third
         * of this while it holds the conversation, so when it dies, the others take its conversations this long
         * after.
         */
        @WithDefault("15s")
        Duration lease();

        /**
         * Attempts of an idle analysis that fails for a reason no retry within it can mend (a damaged history, a
         * record Kafka refuses, a bug; an unreachable LLM waits in the waiting room instead, and Redis or Kafka
         * being away is retried without end), one {@code lease} apart, by any instance. After the last, it is
         * published as {@code failed} with the reason, and the conversation is disarmed. At least 1.
         */
        @WithDefault("3")
        int maxAttempts();

        /** How often an instance looks for idle conversations that fall due; by default the waiting room's. */
        @WithDefault("${analysis.poll-interval:1s}")
        Duration pollInterval();

        /** Idle conversations an instance holds claimed at once; by default the waiting room's {@code max-resuming}. */
        @WithDefault("${analysis.max-resuming:64}")
        int maxClaimed();
    }
}
