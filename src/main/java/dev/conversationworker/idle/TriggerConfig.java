package dev.conversationworker.idle;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The triggers the worker derives from the messages themselves, for conversations that never send
 * {@code conversation.closed}: idle ones, and long ones. Claims of idle conversations reuse the waiting room's
 * {@code analysis.poll-interval}, {@code analysis.max-resuming} and {@code analysis.lease}.
 */
@ConfigMapping(prefix = "analysis")
public interface TriggerConfig {

    /**
     * A conversation that received a message and then nothing for this long is analysed once, as
     * {@code conversation.idle}; a close or a request after its last message disarms it. 0 = off.
     */
    @WithDefault("30m")
    Duration idleAfter();

    /** Every this many stored messages the conversation is analysed, as {@code conversation.progress}. 0 = off. */
    @WithDefault("0")
    int everyMessages();

    /**
     * How long a claim on an idle conversation lasts unless renewed. The claiming instance renews it every third of
     * this while it holds the conversation, so when it dies, the others take its conversations this long after.
     */
    @WithDefault("15s")
    Duration idleLease();

    /**
     * Attempts of an idle analysis that fails for a reason no retry within it can mend (a damaged history, a
     * record Kafka refuses, a bug; an unreachable LLM waits in the waiting room instead, and Redis or Kafka being
     * away is retried without end), one {@code idle-lease} apart, by any instance. After the last, it is published as
     * {@code failed} with the reason, and the conversation is disarmed. At least 1.
     */
    @WithDefault("3")
    int idleMaxAttempts();
}
