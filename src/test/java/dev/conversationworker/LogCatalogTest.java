package dev.conversationworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Every numbered log line is in the catalog of docs/operations.md, its id is unique and in its package's range. Read
 * from the message loggers' sources: {@code @Message} is not kept at run time.
 */
class LogCatalogTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/conversationworker");
    private static final Pattern MESSAGE_ID = Pattern.compile("@Message\\(id = (\\d+)");

    /** Each message logger and the first id of its range (a range is 100 ids). */
    private static final Map<String, Integer> LOGGERS = Map.of(
            "ingest/IngestLog.java", 100,
            "pipeline/PipelineLog.java", 200,
            "analysis/LlmLog.java", 300,
            "waiting/WaitLog.java", 400,
            "notification/NotifyLog.java", 500,
            "idle/IdleLog.java", 600,
            "delivery/DeliveryLog.java", 700);

    @Test
    void theOperationsGuideListsEveryLogIdAndEachIsUniqueAndInItsRange() throws Exception {
        String catalog = Files.readString(Path.of("docs/operations.md"));
        Set<Integer> seen = new HashSet<>();
        for (Map.Entry<String, Integer> logger : LOGGERS.entrySet()) {
            Matcher ids = MESSAGE_ID.matcher(Files.readString(SOURCES.resolve(logger.getKey())));
            int count = 0;
            while (ids.find()) {
                count++;
                int id = Integer.parseInt(ids.group(1));
                String code = String.format("CW%04d", id);
                assertThat(seen.add(id)).as(code + " used once").isTrue();
                assertThat(id).as(code + " in the range of " + logger.getKey())
                        .isBetween(logger.getValue(), logger.getValue() + 99);
                assertThat(catalog).as("docs/operations.md lists " + code).contains("`" + code + "`");
            }
            assertThat(count).as("messages in " + logger.getKey()).isPositive();
        }
        Matcher listed = Pattern.compile("`CW(\\d{4})`").matcher(catalog);
        while (listed.find()) {
            assertThat(seen).as("CW" + listed.group(1) + " in docs/operations.md is a real log id")
                    .contains(Integer.parseInt(listed.group(1)));
        }
    }

    @Test
    void noLogLineOutsideTheCatalogCarriesACode() throws Exception {
        try (var files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContainPattern("\"CW-?[A-Z]*-?\\d{3}");
            }
        }
    }
}
