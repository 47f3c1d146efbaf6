package dev.conversationworker.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the worker accepts as a chat event. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Reject fields the contract does not name (the contract says anything else is invalid). */
    @WithDefault("true")
    boolean rejectUnknownFields();

    /** Longest accepted {@code eventId}, {@code conversationId}, {@code userId}, {@code channel}, in characters. */
    @WithDefault("512")
    int maxIdLength();
}
