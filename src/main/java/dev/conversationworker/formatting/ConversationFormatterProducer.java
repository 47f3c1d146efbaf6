package dev.conversationworker.formatting;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.conversationworker.support.TokenCount;

/** One {@link ConversationFormatter} for the application, sized by {@code formatting.*}. */
class ConversationFormatterProducer {

    /**
     * @param primaryModel the model the prompt is sent to first: its tokenizer counts the token budget, as the LLM
     *        ledger counts its calls (read here, not from the {@code analysis} stage, which formatting may not use)
     */
    @Produces
    @Singleton
    ConversationFormatter formatter(FormattingConfig config,
            @ConfigProperty(name = "llm.primary.model", defaultValue = TokenCount.DEFAULT_MODEL) String primaryModel) {
        return new ConversationFormatter(config.maxChars(), config.maxMessageChars(), config.maxPromptTokens(),
                TokenCount.forModel(primaryModel));
    }
}
