package dev.conversationworker.testsupport;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the worker under test at the real Kafka and Redis of {@link Infrastructure} and, unless the {@code llm}
 * argument is {@code none}, at a real local {@link LlmSimulator} as primary and fallback.
 */
public class WorkerTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String PRIMARY_MODEL = "primary-model";
    public static final String FALLBACK_MODEL = "fallback-model";
    /** Known secret values: a test checks they never leak. */
    public static final String PRIMARY_KEY = "sk-primary-SECRET-7c1e";
    public static final String FALLBACK_KEY = "sk-fallback-SECRET-93ab";
    /** Prices per million tokens of both endpoints, as production sets them: the cost series exist. */
    public static final double PRICE_INPUT = 2.50;
    public static final double PRICE_CACHED_INPUT = 1.25;
    public static final double PRICE_OUTPUT = 10.00;

    private static LlmSimulator simulator;
    private boolean withLlm = true;

    @Override
    public void init(Map<String, String> initArgs) {
        withLlm = !"none".equals(initArgs.get("llm"));
    }

    @Override
    public Map<String, String> start() {
        Infrastructure infra = Infrastructure.get();
        infra.createTopics(4);
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", infra.bootstrapServers());
        config.put("quarkus.redis.hosts", infra.redisHosts());
        if (withLlm) {
            LlmSimulator llm = simulator();
            config.put("llm.primary.base-url", llm.baseUrl());
            config.put("llm.primary.model", PRIMARY_MODEL);
            config.put("llm.primary.api-key", PRIMARY_KEY);
            config.put("llm.fallback.base-url", llm.baseUrl());
            config.put("llm.fallback.model", FALLBACK_MODEL);
            config.put("llm.fallback.api-key", FALLBACK_KEY);
            for (String endpoint : new String[]{"primary", "fallback"}) {
                config.put("llm." + endpoint + ".price-per-million.input", Double.toString(PRICE_INPUT));
                config.put("llm." + endpoint + ".price-per-million.cached-input", Double.toString(PRICE_CACHED_INPUT));
                config.put("llm." + endpoint + ".price-per-million.output", Double.toString(PRICE_OUTPUT));
            }
        } else {
            config.put("llm.primary.base-url", "");
        }
        return config;
    }

    public static synchronized LlmSimulator simulator() {
        if (simulator == null) {
            simulator = new LlmSimulator();
        }
        return simulator;
    }

    @Override
    public void stop() {
        // Kafka, Redis and the simulator are shared by every test profile of this JVM; the JVM's exit stops them.
    }
}
