package dev.conversationworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.annotations.Message;
import org.junit.jupiter.api.Test;

/** Every numbered log line is in the README's catalog, its id is unique and in its package's range. */
class LogCatalogTest {

    /** Each message logger and the first id of its range (a range is 100 ids). */
    private static final Map<String, Integer> LOGGERS = Map.of(
            "dev.conversationworker.ingest.IngestLog", 100,
            "dev.conversationworker.pipeline.PipelineLog", 200,
            "dev.conversationworker.analysis.LlmLog", 300,
            "dev.conversationworker.waiting.WaitLog", 400,
            "dev.conversationworker.notification.NotifyLog", 500);

    @Test
    void theReadmeListsEveryLogIdAndEachIsUniqueAndInItsRange() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Set<Integer> seen = new HashSet<>();
        for (Map.Entry<String, Integer> logger : LOGGERS.entrySet()) {
            List<Method> messages = List.of(Class.forName(logger.getKey()).getDeclaredMethods()).stream()
                    .filter(m -> m.isAnnotationPresent(Message.class)).toList();
            assertThat(messages).as(logger.getKey()).isNotEmpty();
            for (Method method : messages) {
                int id = method.getAnnotation(Message.class).id();
                String code = String.format("CW%04d", id);
                assertThat(seen.add(id)).as(code + " used once").isTrue();
                assertThat(id).as(code + " in the range of " + logger.getKey())
                        .isBetween(logger.getValue(), logger.getValue() + 99);
                assertThat(readme).as("README lists " + code).contains("`" + code + "`");
            }
        }
    }
}
