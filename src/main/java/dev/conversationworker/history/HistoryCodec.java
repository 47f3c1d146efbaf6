package dev.conversationworker.history;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.support.StoredJson;

/** The JSON form of a history entry in Redis: one compact object per list element. */
public final class HistoryCodec {

    private HistoryCodec() {
    }

    public static String encode(HistoryEntry entry) {
        try {
            return StoredJson.MAPPER.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes stored entries in order, skipping those that cannot be read (damaged, written by hand, or missing a
     * field this version needs): our own data being unreadable is not a reason to hold up a conversation, and a
     * retry would read the same bytes. Fields this version does not know are ignored. CPU work for long
     * histories: call it on the worker pool.
     */
    public static Decoded decode(List<String> stored) {
        List<HistoryEntry> entries = new ArrayList<>(stored.size());
        int unreadable = 0;
        for (String json : stored) {
            HistoryEntry entry = readOrNull(json);
            if (entry == null) {
                unreadable++;
            } else {
                entries.add(entry);
            }
        }
        return new Decoded(entries, unreadable);
    }

    private static HistoryEntry readOrNull(String json) {
        try {
            HistoryEntry entry = StoredJson.MAPPER.readValue(json, HistoryEntry.class);
            return entry != null && entry.eventId() != null && entry.role() != null && entry.text() != null
                    ? entry
                    : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    /** The readable entries, oldest first, and how many were skipped. */
    public record Decoded(List<HistoryEntry> entries, int unreadable) {
    }
}
