package dev.conversationworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import dev.conversationworker.analysis.ConversationAnalyzer;
import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Provider;
import dev.conversationworker.model.Severity;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.notification.GoogleChatMessages;
import dev.conversationworker.notification.Notification;
import dev.conversationworker.testsupport.ContractSchemas;
import dev.conversationworker.testsupport.ContractSchemas.Topic;
import dev.conversationworker.testsupport.Events;

/**
 * The machine-readable contract ({@code docs/asyncapi.yaml} and {@code docs/schemas}) holds together, and the check
 * the Kafka test client applies to every record is not a no-op: it accepts what the worker writes and rejects a record
 * with a field missing or wrong.
 */
class AsyncApiDocumentTest {

    private static final Path ASYNCAPI = ContractSchemas.DOCS.resolve("asyncapi.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GoogleChatMessages MESSAGES = new GoogleChatMessages(500, 5);

    @Test
    void everyRefOfTheDocumentAndItsSchemasResolves() throws IOException {
        JsonNode document = new YAMLMapper().readTree(ASYNCAPI.toFile());
        assertThat(document.path("asyncapi").asText()).isEqualTo("3.0.0");
        List<String> dangling = new ArrayList<>();
        Set<String> referencedFiles = new TreeSet<>();
        checkRefs(document, document, ContractSchemas.DOCS, dangling, referencedFiles);
        assertThat(dangling).as("$refs that resolve to nothing").isEmpty();
        assertThat(referencedFiles).as("every schema is part of the contract")
                .containsExactlyInAnyOrderElementsOf(schemaFiles());
        document.path("operations").forEach(operation -> assertThat(operation.path("channel").path("$ref").asText())
                .startsWith("#/channels/"));
    }

    @Test
    void everyExampleOfTheDocumentKeepsItsSchemas() throws IOException {
        JsonNode messages = new YAMLMapper().readTree(ASYNCAPI.toFile()).path("components").path("messages");
        List<String> wrong = new ArrayList<>();
        int examples = 0;
        for (JsonNode message : messages) {
            for (JsonNode example : message.path("examples")) {
                examples++;
                for (String part : List.of("payload", "headers")) {
                    String ref = message.path(part).path("schema").path("$ref").asText();
                    if (example.has(part) && !ref.isEmpty()) {
                        wrong.addAll(ContractSchemas.violations(Path.of(ref).getFileName().toString(),
                                example.get(part)));
                    }
                }
            }
        }
        assertThat(examples).isPositive();
        assertThat(wrong).isEmpty();
    }

    @Test
    void everySchemaIsValidDraft202012() throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema metaSchema = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        for (String file : schemaFiles()) {
            JsonNode schema = JSON.readTree(ContractSchemas.SCHEMAS.resolve(file).toFile());
            assertThat(schema.path("$schema").asText()).as(file)
                    .isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(metaSchema.validate(schema)).as(file).isEmpty();
            assertThat(ContractSchemas.schema(file)).as(file).isNotNull(); // its $refs resolved
        }
    }

    @Test
    void anAnalysisAsTheWorkerWritesItPassesAndOneWithAFieldMissingOrWrongDoesNot() {
        AnalysisRecord ok = AnalysisRecord.of("c-42", "e-9a1c", TriggerType.CONVERSATION_CLOSED,
                new FormattedConversation("user: Tôi bị khóa tài khoản", 12, 0, false),
                AnalysisOutcome.answered(Provider.PRIMARY, "gpt-4o-mini", 812, new AnalysisResult(
                        List.of("Làm sao để mở khóa tài khoản?"), "account_access", "negative",
                        "The customer is locked out 🔒", true, Severity.HIGH, "vi"))
                        .costing(new LlmUsage(1450, 96, 1024, 1, false), ConversationAnalyzer.promptVersion()),
                "2026-11-24T10:05:03.120Z");
        AnalysisRecord failed = AnalysisRecord.of("c-42", "m-7", TriggerType.CONVERSATION_IDLE,
                new FormattedConversation("", 3, 0, false), AnalysisOutcome.failed("both LLMs are down", 30_000, true)
                        .costing(new LlmUsage(2900, 0, 0, 6, true), ConversationAnalyzer.promptVersion()),
                "2026-11-24T10:05:03Z");
        assertThat(analysisViolations(ok, analysisHeaders(ok))).isEmpty();
        assertThat(analysisViolations(failed, analysisHeaders(failed))).isEmpty();

        ObjectNode missing = JSON.valueToTree(ok);
        missing.remove("status");
        assertThat(ContractSchemas.violations("conversation-analysis.json", missing)).isNotEmpty()
                .anySatisfy(v -> assertThat(v).contains("status"));
        ObjectNode wrong = JSON.valueToTree(ok);
        ((ObjectNode) wrong.get("result")).put("severity", "urgent");
        assertThat(ContractSchemas.violations("conversation-analysis.json", wrong)).isNotEmpty()
                .anySatisfy(v -> assertThat(v).contains("severity"));
        ObjectNode failedWithResult = JSON.valueToTree(ok);
        failedWithResult.put("status", "failed").put("error", "no answer");
        assertThat(ContractSchemas.violations("conversation-analysis.json", failedWithResult)).isNotEmpty();
        ObjectNode withoutUsage = JSON.valueToTree(ok);
        withoutUsage.remove("usage");
        assertThat(ContractSchemas.violations("conversation-analysis.json", withoutUsage)).isNotEmpty()
                .anySatisfy(v -> assertThat(v).contains("usage"));
        ObjectNode negativeTokens = JSON.valueToTree(ok);
        ((ObjectNode) negativeTokens.get("usage")).put("promptTokens", -1);
        assertThat(ContractSchemas.violations("conversation-analysis.json", negativeTokens)).isNotEmpty();
        ObjectNode withoutVersion = JSON.valueToTree(ok);
        withoutVersion.remove("promptVersion");
        assertThat(ContractSchemas.violations("conversation-analysis.json", withoutVersion)).isNotEmpty()
                .anySatisfy(v -> assertThat(v).contains("promptVersion"));
        ObjectNode notADate = JSON.valueToTree(ok);
        notADate.put("analyzedAt", "yesterday");
        assertThat(ContractSchemas.violations("conversation-analysis.json", notADate)).isNotEmpty();
        assertThat(analysisViolations(ok, List.of(header("analysis-id", ok.analysisId()))))
                .as("the status header missing").isNotEmpty();
        assertThat(ContractSchemas.violations(Topic.ANALYSES, bytes("c-other"), bytes(JSON.valueToTree(ok).toString()),
                analysisHeaders(ok))).as("keyed by another conversation")
                .containsExactly("key is not the conversationId");
    }

    @Test
    void everyNotificationTheWorkerMakesPassesAndOneWithoutItsThreadOrKindDoesNot() {
        AnalysisRecord attention = AnalysisRecord.of("c-42", "close-1", TriggerType.CONVERSATION_CLOSED,
                new FormattedConversation("", 2, 0, false),
                AnalysisOutcome.answered(Provider.FALLBACK, "small", 90,
                        new AnalysisResult(List.of("<users/all> help!"),
                                "account_access", "negative", "Tôi bị khóa tài khoản · https://evil.example", true,
                                Severity.CRITICAL, "vi"))
                        .costing(LlmUsage.NONE, ConversationAnalyzer.promptVersion()),
                "2026-11-24T10:05:03Z");
        AnalysisRecord failed = AnalysisRecord.of("c-43", "close-2", TriggerType.CONVERSATION_CLOSED,
                new FormattedConversation("", 2, 0, false), AnalysisOutcome.failed("timeout", 1, false)
                        .costing(LlmUsage.NONE, ConversationAnalyzer.promptVersion()),
                "2026-11-24T10:05:03Z");
        Instant at = Instant.parse("2026-11-24T10:00:00Z");
        List<Notification> all = List.of(MESSAGES.attention(attention), MESSAGES.analysisFailed(failed),
                MESSAGES.analysesFailing(12, Duration.ofMinutes(10), at, "timeout"),
                MESSAGES.analysesWaiting("connection refused", Duration.ofHours(2), at),
                MESSAGES.analysesNoLongerWaiting(at), MESSAGES.deadLettersPilingUp(50, Duration.ofMinutes(5), at,
                        "missing required field 'text'"),
                MESSAGES.llmNeedsOperator("primary", "gpt-4o-mini", "HTTP 401", at));
        for (Notification notification : all) {
            assertThat(ContractSchemas.violations(Topic.NOTIFICATIONS, bytes(notification.conversationId()),
                    bytes(notification.body()), notificationHeaders(notification))).as(notification.dedupeKey())
                    .isEmpty();
        }

        ObjectNode unthreaded = (ObjectNode) read(all.get(0).body());
        unthreaded.remove("thread");
        assertThat(ContractSchemas.violations("oncall-notification.json", unthreaded)).isNotEmpty();
        ObjectNode tooLong = (ObjectNode) read(all.get(0).body());
        tooLong.put("text", "x".repeat(4097));
        assertThat(ContractSchemas.violations("oncall-notification.json", tooLong)).isNotEmpty();
        assertThat(ContractSchemas.violations("oncall-notification-headers.json", ContractSchemas.headers(List.of(
                header("severity", "high"), header("dedupe-key", "k"), header("kind", "pager")))))
                .as("a kind off the contract").isNotEmpty();
    }

    @Test
    void theInputContractAcceptsTheTestsEventsAndRejectsInvalidOnes() {
        String valid = Events.message("m1", "c-1", "user", "Tôi bị khóa tài khoản 🔒").encode();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENTS, bytes("c-1"), bytes(valid), List.of())).isEmpty();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENTS, bytes("c-1"),
                bytes(Events.closed("close", "c-1").encode()), List.of())).isEmpty();

        String noText = Events.message("m1", "c-1", "user", "hi").put("text", (String) null).encode();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENTS, bytes("c-1"), bytes(noText), List.of()))
                .isNotEmpty();
        String badRole = Events.message("m1", "c-1", "customer", "hi").encode();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENTS, bytes("c-1"), bytes(badRole), List.of()))
                .isNotEmpty();
        String zeroTime = Events.closed("close", "c-1").put("timestamp", "0001-01-01T00:00:00Z").encode();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENTS, bytes("c-1"), bytes(zeroTime), List.of()))
                .isNotEmpty();
        String unknownField = Events.closed("close", "c-1").put("priority", 1).encode();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENTS, bytes("c-1"), bytes(unknownField), List.of()))
                .isNotEmpty();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENTS, bytes("c-1"), bytes("not json"), List.of()))
                .isNotEmpty();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENTS, null, bytes(valid), List.of()))
                .as("no key").isNotEmpty();
    }

    @Test
    void aDeadLetterMustSayWhyAndCarryNoForgedDeadLetterHeader() {
        List<Header> ours = List.of(header("dead-letter-reason", "missing required field 'text'"),
                header("dead-letter-exception-class-name", "dev.conversationworker.model.InvalidEventException"),
                header("dead-letter-topic", "chat-events"), header("dead-letter-partition", "3"),
                header("dead-letter-offset", "42"));
        List<Header> withOriginal = new ArrayList<>(List.of(header("ce_type", "x"), header("ce_type", "y")));
        withOriginal.addAll(ours);
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENT_DEAD_LETTERS, null, bytes("{broken"), withOriginal))
                .isEmpty();
        List<Header> forged = new ArrayList<>(ours);
        forged.add(header("Dead-Letter-Reason", "all fine"));
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENT_DEAD_LETTERS, null, bytes("{broken"), forged))
                .isNotEmpty();
        assertThat(ContractSchemas.violations(Topic.CHAT_EVENT_DEAD_LETTERS, null, bytes("{broken"), ours.subList(1,
                ours.size()))).as("no reason").isNotEmpty();
    }

    private static List<String> analysisViolations(AnalysisRecord record, List<Header> headers) {
        return ContractSchemas.violations(Topic.ANALYSES, bytes(record.conversationId()),
                bytes(JSON.valueToTree(record).toString()), headers);
    }

    private static List<Header> analysisHeaders(AnalysisRecord record) {
        return List.of(header("analysis-id", record.analysisId()), header("status", record.status().wireName()),
                header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    }

    private static List<Header> notificationHeaders(Notification notification) {
        return List.of(header("severity", notification.severity()), header("dedupe-key", notification.dedupeKey()),
                header("kind", notification.kind()));
    }

    /** Walks every {@code $ref}: internal ones must point into their document, external ones to a schema file. */
    private static void checkRefs(JsonNode node, JsonNode root, Path base, List<String> dangling,
            Set<String> referencedFiles) throws IOException {
        if (node.isObject() && node.has("$ref")) {
            String ref = node.get("$ref").asText();
            int hash = ref.indexOf('#');
            String file = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            JsonNode target = root;
            Path targetBase = base;
            if (!file.isEmpty()) {
                Path path = base.resolve(file).normalize();
                if (!Files.isRegularFile(path)) {
                    dangling.add(ref + " (no file " + path + ")");
                    return;
                }
                target = JSON.readTree(path.toFile());
                targetBase = path.getParent();
                if (referencedFiles.add(path.getFileName().toString())) {
                    checkRefs(target, target, targetBase, dangling, referencedFiles);
                }
            }
            if (target.at(pointer).isMissingNode()) {
                dangling.add(ref);
            }
        }
        for (JsonNode child : node) {
            checkRefs(child, root, base, dangling, referencedFiles);
        }
    }

    private static List<String> schemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(ContractSchemas.SCHEMAS)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json")).sorted().toList();
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
