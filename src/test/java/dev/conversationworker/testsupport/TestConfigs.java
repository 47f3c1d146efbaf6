package dev.conversationworker.testsupport;

import java.util.HashMap;
import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.conversationworker.analysis.LlmConfig;

/** Configuration mappings for tests without CDI, read as the worker reads them: defaults, expressions, converters. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** {@code mapping} with its {@code @WithDefault}s, overridden by {@code properties} (full names). */
    public static <T> T mapping(Class<T> mapping, Map<String, String> properties) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters().withMapping(mapping)
                .withSources(new PropertiesConfigSource(properties, "test", 300)).build().getConfigMapping(mapping);
    }

    /**
     * {@link LlmConfig} with fast retries (10 ms to 50 ms, {@code Retry-After} cut to 100 ms), a circuit that does
     * not open in a test, and a body cap of the test's choosing.
     */
    public static LlmConfig fastLlm(long maxResponseBytes) {
        Map<String, String> properties = new HashMap<>(Map.of("llm.retry.initial-backoff", "10ms",
                "llm.retry.max-backoff", "50ms", "llm.retry.max-retry-after", "100ms",
                "llm.circuit.failure-threshold", "100"));
        properties.put("llm.max-response-bytes", Long.toString(maxResponseBytes));
        return mapping(LlmConfig.class, properties);
    }
}
