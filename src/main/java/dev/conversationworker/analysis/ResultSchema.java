package dev.conversationworker.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.Severity;
import dev.conversationworker.support.SafeTruncation;

/**
 * The result schema: as JSON Schema for {@code response_format}, and as the validation every answer passes,
 * whatever the server promised. An answer that does not pass is a failed attempt, never a published result.
 */
public final class ResultSchema {

    static final int MAX_QUESTIONS = 20;
    static final int MAX_QUESTION_CHARS = 500;
    static final int MAX_SUMMARY_CHARS = 2000;
    static final int MAX_INTENT_CHARS = 64;
    static final int MAX_LANGUAGE_CHARS = 16;
    /** The intent as sent in the schema and as checked after normalising: a snake_case label. */
    static final String INTENT_PATTERN = "^[a-z0-9_]+$";
    /** A BCP-47-like tag: a 2-3 letter language, then optional subtags ({@code vi}, {@code en-US}, {@code zh-Hant}). */
    static final String LANGUAGE_PATTERN = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$";
    private static final Pattern INTENT = Pattern.compile(INTENT_PATTERN);
    private static final Pattern LANGUAGE = Pattern.compile(LANGUAGE_PATTERN);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultSchema() {
    }

    /** The strict JSON Schema sent as {@code response_format.json_schema.schema}. */
    static ObjectNode jsonSchema() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("userQuestions").put("type", "array").putObject("items").put("type", "string");
        props.putObject("intent").put("type", "string").put("maxLength", MAX_INTENT_CHARS)
                .put("pattern", INTENT_PATTERN);
        enumOf(props.putObject("sentiment"), AnalysisResult.SENTIMENTS);
        props.putObject("summary").put("type", "string");
        props.putObject("needsAttention").put("type", "boolean");
        enumOf(props.putObject("severity"), Arrays.stream(Severity.values()).map(Severity::wireName).toList());
        props.putObject("language").put("type", "string").put("maxLength", MAX_LANGUAGE_CHARS)
                .put("pattern", LANGUAGE_PATTERN);
        ArrayNode required = schema.putArray("required");
        props.fieldNames().forEachRemaining(required::add);
        schema.put("additionalProperties", false);
        return schema;
    }

    /** Reads and validates the content of an answer; fields beyond the schema are ignored. */
    public static AnalysisResult parse(String content) {
        if (content == null || content.isBlank()) {
            throw new InvalidAnswerException("empty content");
        }
        JsonNode root;
        try {
            root = JSON.readTree(stripCodeFence(content));
        } catch (JsonProcessingException e) {
            throw new InvalidAnswerException("content is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAnswerException("content is not a JSON object");
        }
        JsonNode questions = root.get("userQuestions");
        if (questions == null || !questions.isArray()) {
            throw new InvalidAnswerException("userQuestions must be an array");
        }
        List<String> userQuestions = new ArrayList<>();
        for (JsonNode q : questions) {
            if (!q.isTextual()) {
                throw new InvalidAnswerException("userQuestions must hold strings");
            }
            if (!q.textValue().isBlank() && userQuestions.size() < MAX_QUESTIONS) {
                userQuestions.add(SafeTruncation.withEllipsis(q.textValue().strip(), MAX_QUESTION_CHARS));
            }
        }
        String sentiment = text(root, "sentiment");
        if (!AnalysisResult.SENTIMENTS.contains(sentiment)) {
            throw new InvalidAnswerException("sentiment must be one of " + AnalysisResult.SENTIMENTS);
        }
        String severityName = text(root, "severity");
        Severity severity = Severity.fromWire(severityName)
                .orElseThrow(() -> new InvalidAnswerException("severity '" + severityName + "' is not allowed"));
        JsonNode attention = root.get("needsAttention");
        if (attention == null || !attention.isBoolean()) {
            throw new InvalidAnswerException("needsAttention must be a boolean");
        }
        return new AnalysisResult(List.copyOf(userQuestions), intent(text(root, "intent")), sentiment,
                SafeTruncation.withEllipsis(text(root, "summary"), MAX_SUMMARY_CHARS), attention.booleanValue(),
                severity, language(text(root, "language")));
    }

    /**
     * The intent ends up in metrics-like analytics, Chat cards and dashboards, so it must be a label, not prose.
     * Normalised, then checked: trimmed, lower-cased, spaces and hyphens made underscores ({@code "Account Access"}
     * is {@code account_access}, as servers without structured output tend to write it); anything that is still not
     * {@code [a-z0-9_]+} of at most 64 characters is <em>rejected</em> as an invalid answer (retried, then the
     * fallback), because cutting or rewriting prose would invent a label the model did not give.
     */
    static String intent(String raw) {
        String intent = raw.strip().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        if (intent.isEmpty() || intent.length() > MAX_INTENT_CHARS || !INTENT.matcher(intent).matches()) {
            throw new InvalidAnswerException("intent must be a snake_case label of at most " + MAX_INTENT_CHARS
                    + " characters");
        }
        return intent;
    }

    /**
     * The language is <em>rejected</em> (an invalid answer) unless, trimmed, it is a BCP-47-like tag of at most 16
     * characters: there is no safe way to guess a tag from anything else. The language subtag is lower-cased
     * ({@code EN} is {@code en}); the rest is kept as given.
     */
    static String language(String raw) {
        String tag = raw.strip();
        if (tag.isEmpty() || tag.length() > MAX_LANGUAGE_CHARS || !LANGUAGE.matcher(tag).matches()) {
            throw new InvalidAnswerException("language must be a language tag such as 'en' or 'vi', of at most "
                    + MAX_LANGUAGE_CHARS + " characters");
        }
        int dash = tag.indexOf('-');
        return dash < 0
                ? tag.toLowerCase(Locale.ROOT)
                : tag.substring(0, dash).toLowerCase(Locale.ROOT) + tag.substring(dash);
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new InvalidAnswerException(field + " must be a string");
        }
        return node.textValue();
    }

    private static void enumOf(ObjectNode property, List<String> values) {
        property.put("type", "string");
        ArrayNode allowed = property.putArray("enum");
        values.forEach(allowed::add);
    }

    // Servers without structured output often wrap the object in a Markdown code fence.
    private static String stripCodeFence(String content) {
        String s = content.strip();
        if (s.startsWith("```")) {
            int firstLineEnd = s.indexOf('\n');
            int fenceEnd = s.lastIndexOf("```");
            if (firstLineEnd > 0 && fenceEnd > firstLineEnd) {
                return s.substring(firstLineEnd + 1, fenceEnd);
            }
        }
        return s;
    }
}
