package dev.conversationworker.analysis;

import dev.conversationworker.model.Provider;

/**
 * One LLM endpoint as configured, once the fallback has taken what it leaves unset from the primary.
 *
 * @param apiKey null when none is sent
 */
record EndpointSettings(Provider provider, String baseUrl, String apiKey, String model,
        LlmConfig.ResponseFormat format, int maxConcurrency) {
}
