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

/** The OpenAI chat-completions wire format: the request we send, and what counts as a usable answer. */
final class ChatCompletions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatCompletions() {
    }

    /** The JSON schema of the answer, serialised once. */
    private static final String SCHEMA = ResultSchema.jsonSchema().toString();
    /** The instructions around their boundary, JSON-escaped once (the boundary, hex, needs no escaping). */
    private static final String[] ESCAPED_INSTRUCTIONS = java.util.Arrays.stream(AnalysisPrompt.INSTRUCTION_PARTS)
            .map(part -> new String(JsonStringEncoder.getInstance().quoteAsString(part))).toArray(String[]::new);

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
            if (fromInstructions(prompt.system(), prompt.boundary())) {
                json.writeRawValue("\"" + String.join(prompt.boundary(), ESCAPED_INSTRUCTIONS) + "\"");
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

    /**
     * Whether {@code system} is the instructions around {@code boundary}, and the boundary needs no escaping (as
     * {@link AnalysisPrompt#of} draws it): only then are the pre-escaped parts written.
     */
    private static boolean fromInstructions(String system, String boundary) {
        if (boundary == null || !boundary.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-')) {
            return false;
        }
        int at = 0;
        for (int i = 0; i < AnalysisPrompt.INSTRUCTION_PARTS.length; i++) {
            if (i > 0) {
                if (!system.startsWith(boundary, at)) {
                    return false;
                }
                at += boundary.length();
            }
            String part = AnalysisPrompt.INSTRUCTION_PARTS[i];
            if (!system.startsWith(part, at)) {
                return false;
            }
            at += part.length();
        }
        return at == system.length();
    }

    /** The validated result of a 200 answer; refusals, cut-off or filtered answers and bad JSON all throw. */
    static AnalysisResult parseAnswer(String responseBody) {
        JsonNode root;
        try {
            root = JSON.readTree(responseBody);
        } catch (JsonProcessingException e) {
            throw new InvalidAnswerException("response is not JSON");
        }
        JsonNode choice = root == null ? null : root.path("choices").path(0);
        if (choice == null || choice.isMissingNode()) {
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
