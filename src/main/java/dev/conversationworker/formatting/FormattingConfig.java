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
}
