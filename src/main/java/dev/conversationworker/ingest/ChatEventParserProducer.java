package dev.conversationworker.ingest;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One {@link ChatEventParser} for the application, configured by {@code ingest.*}. */
class ChatEventParserProducer {

    @Produces
    @Singleton
    ChatEventParser parser(IngestConfig config) {
        return new ChatEventParser(config.rejectUnknownFields(), config.maxIdLength());
    }
}
