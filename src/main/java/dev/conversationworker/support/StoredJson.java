package dev.conversationworker.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper for the worker's own state in Redis (history entries, waiting analyses). Tolerant on
 * purpose: unknown fields are ignored, so that during a rolling upgrade an older instance can read what a newer
 * one wrote. (Input events are the opposite: {@code ChatEventParser} is strict, because that is a contract.)
 */
public final class StoredJson {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Plain data (records of strings and numbers) as JSON; such data always serialises. */
    public static String write(Object plainData) {
        try {
            return MAPPER.writeValueAsString(plainData);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not plain data: " + plainData.getClass(), e);
        }
    }

    private StoredJson() {
    }
}
