package dev.conversationworker.analysis;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conversationworker.model.AnalysisResult;

/** The OpenAI chat-completions wire format: the request we send, and what counts as a usable answer. */
final class ChatCompletions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatCompletions() {
    }

    static String requestBody(String model, AnalysisPrompt prompt, LlmConfig.ResponseFormat format,
            int maxCompletionTokens, double temperature) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        body.putArray("messages")
                .add(JSON.createObjectNode().put("role", "system").put("content", prompt.system()))
                .add(JSON.createObjectNode().put("role", "user").put("content", prompt.user()));
        body.put("temperature", temperature);
        body.put("max_completion_tokens", maxCompletionTokens);
        switch (format) {
            case json_schema -> {
                ObjectNode jsonSchema = body.putObject("response_format").put("type", "json_schema")
                        .putObject("json_schema");
                jsonSchema.put("name", "conversation_analysis").put("strict", true);
                jsonSchema.set("schema", ResultSchema.jsonSchema());
            }
            case json_object -> body.putObject("response_format").put("type", "json_object");
            case none -> {
            }
        }
        return body.toString();
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

    /** {@code Retry-After} in seconds or as an HTTP date, or {@code retry-after-ms}; null when absent or unreadable. */
    static Duration retryAfter(String retryAfterMs, String retryAfter) {
        try {
            if (retryAfterMs != null) {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(retryAfterMs.strip())));
            }
            if (retryAfter == null) {
                return null;
            }
            String value = retryAfter.strip();
            if (value.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
                return Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
            }
            Duration untilDate = Duration.between(ZonedDateTime.now(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            return untilDate.isNegative() ? Duration.ZERO : untilDate;
        } catch (NumberFormatException | DateTimeParseException e) {
            return null;
        }
    }
}
