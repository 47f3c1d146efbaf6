package dev.conversationworker.formatting;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a conversation is rendered for the LLM. */
@ConfigMapping(prefix = "formatting")
public interface FormattingConfig {

    /** Character budget of the rendered conversation; the most recent messages are kept. */
    @WithDefault("12000")
    int maxChars();

    /** Longest single message, in characters, before it is cut (so one huge message cannot take the budget). */
    @WithDefault("4000")
    int maxMessageChars();

    /**
     * Token budget of the rendered conversation, counted with the primary model's tokenizer: with the fixed
     * instructions and the completion cap, it bounds what one call is billed. The most recent messages are kept.
     */
    @WithDefault("4000")
    int maxPromptTokens();
}
