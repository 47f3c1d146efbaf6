package dev.conversationworker.formatting;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One {@link ConversationFormatter} for the application, sized by {@code formatting.*}. */
class ConversationFormatterProducer {

    @Produces
    @Singleton
    ConversationFormatter formatter(FormattingConfig config) {
        return new ConversationFormatter(config.maxChars(), config.maxMessageChars());
    }
}
