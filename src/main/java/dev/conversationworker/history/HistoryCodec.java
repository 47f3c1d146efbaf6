package dev.conversationworker.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON form of a history entry in Redis: one compact object per list element. */
public final class HistoryCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryCodec() {
    }

    public static String encode(HistoryEntry entry) {
        try {
            return JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes stored entries in order. CPU work for long histories: call it on the worker pool. */
    public static List<HistoryEntry> decode(List<String> stored) {
        List<HistoryEntry> entries = new ArrayList<>(stored.size());
        for (String json : stored) {
            try {
                entries.add(JSON.readValue(json, HistoryEntry.class));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable history entry", e);
            }
        }
        return entries;
    }
}
