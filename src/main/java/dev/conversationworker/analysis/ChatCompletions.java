package dev.conversationworker.analysis;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conversationworker.http.RetryAfter;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.LlmUsage;

/** The OpenAI chat-completions wire format: the request we send, and what counts as a usable answer. */
final class ChatCompletions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatCompletions() {
    }

    /** The JSON schema of the answer, serialised once. */
    private static final String SCHEMA = ResultSchema.jsonSchema().toString();
    /** The system message, the same for every request, JSON-escaped once. */
    private static final String ESCAPED_SYSTEM = "\"" + new String(JsonStringEncoder.getInstance()
            .quoteAsString(AnalysisPrompt.SYSTEM)) + "\"";

    /**
     * Written with a streaming generator, the schema and the instructions pre-serialised: escaping the same 2 KB of
     * instructions and building a node tree for every call was a visible share of the worker's CPU.
     */
    static String requestBody(String model, AnalysisPrompt prompt, LlmConfig.ResponseFormat format,
            int maxCompletionTokens, double temperature) {
        StringWriter out = new StringWriter(prompt.system().length() + prompt.user().length() + 512);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("model", model);
            json.writeArrayFieldStart("messages");
            json.writeStartObject();
            json.writeStringField("role", "system");
            json.writeFieldName("content");
            // The same instance for every prompt built by AnalysisPrompt.of: equals is then a reference check.
            if (AnalysisPrompt.SYSTEM.equals(prompt.system())) {
                json.writeRawValue(ESCAPED_SYSTEM);
            } else {
                json.writeString(prompt.system());
            }
            json.writeEndObject();
            json.writeStartObject();
            json.writeStringField("role", "user");
            json.writeStringField("content", prompt.user());
            json.writeEndObject();
            json.writeEndArray();
            json.writeNumberField("temperature", temperature);
            json.writeNumberField("max_completion_tokens", maxCompletionTokens);
            switch (format) {
                case JSON_SCHEMA -> {
                    json.writeObjectFieldStart("response_format");
                    json.writeStringField("type", "json_schema");
                    json.writeObjectFieldStart("json_schema");
                    json.writeStringField("name", "conversation_analysis");
                    json.writeBooleanField("strict", true);
                    json.writeFieldName("schema");
                    json.writeRawValue(SCHEMA);
                    json.writeEndObject();
                    json.writeEndObject();
                }
                case JSON_OBJECT -> {
                    json.writeObjectFieldStart("response_format");
                    json.writeStringField("type", "json_object");
                    json.writeEndObject();
                }
                case NONE -> {
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to a StringWriter", e);
        }
        return out.toString();
    }

    /** The validated result of a 200 answer; refusals, cut-off or filtered answers and bad JSON all throw. */
    static AnalysisResult parseAnswer(String responseBody) {
        return parseAnswer(read(responseBody));
    }

    /** The body of an answer as JSON; null when it is not JSON. */
    static JsonNode read(String responseBody) {
        try {
            return responseBody == null ? null : JSON.readTree(responseBody);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** @param root the body as {@link #read} gave it */
    static AnalysisResult parseAnswer(JsonNode root) {
        if (root == null) {
            throw new InvalidAnswerException("response is not JSON");
        }
        JsonNode choice = root.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw new InvalidAnswerException("response has no choices");
        }
        String finishReason = choice.path("finish_reason").asText("");
        if ("length".equals(finishReason)) {
            throw new InvalidAnswerException("answer cut off (finish_reason: length)");
        }
        if ("content_filter".equals(finishReason)) {
            throw new InvalidAnswerException("answer filtered (finish_reason: content_filter)");
        }
        JsonNode message = choice.path("message");
        if (message.hasNonNull("refusal") && !message.path("refusal").asText().isBlank()) {
            throw new InvalidAnswerException("model refused");
        }
        JsonNode content = message.get("content");
        if (content == null || !content.isTextual()) {
            throw new InvalidAnswerException("answer has no content");
        }
        return ResultSchema.parse(content.textValue());
    }

    /**
     * The {@code usage} of an answer as one call: {@code prompt_tokens}, {@code completion_tokens} and
     * {@code prompt_tokens_details.cached_tokens} (0 when the provider does not say); null when the answer has no
     * usage (not JSON, or a server that does not report it).
     */
    static LlmUsage usage(JsonNode root) {
        JsonNode usage = root == null ? null : root.get("usage");
        if (usage == null || !usage.path("prompt_tokens").canConvertToLong()) {
            return null;
        }
        long prompt = Math.max(0, usage.path("prompt_tokens").asLong());
        long completion = Math.max(0, usage.path("completion_tokens").asLong());
        long cached = Math.min(prompt, Math.max(0, usage.path("prompt_tokens_details").path("cached_tokens")
                .asLong()));
        return new LlmUsage(prompt, completion, cached, 1, false);
    }

    /** The text the model wrote, for estimating its tokens when no usage came with it; empty when there is none. */
    static String content(JsonNode root) {
        return root == null ? "" : root.path("choices").path(0).path("message").path("content").asText("");
    }

    /**
     * OpenAI's {@code retry-after-ms} when present, else {@code Retry-After} (seconds or an HTTP date, read by
     * {@link RetryAfter}); null when absent or unreadable.
     */
    static Duration retryAfter(String retryAfterMs, String retryAfter) {
        if (retryAfterMs != null) {
            try {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(retryAfterMs.strip())));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return RetryAfter.parse(retryAfter).orElse(null);
    }
}
