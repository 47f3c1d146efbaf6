package dev.conversationworker.notification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** One {@link GoogleChatMessages} for the application, sized by {@code notify.*}. */
class ChatMessagesProducer {

    @Produces
    @ApplicationScoped
    GoogleChatMessages messages(NotifyConfig config) {
        return new GoogleChatMessages(config.maxSnippetChars(), config.maxQuestions());
    }
}
