package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.testsupport.TestConfigs;

/**
 * The constants of the settings' enums are upper case, as Java's are; the values users wrote before, in the lower
 * case of the API they name ({@code json_schema}), are read as they were.
 */
class ResponseFormatSettingTest {

    @Test
    void theResponseFormatIsReadInTheCaseUsersWriteIt() {
        assertThat(format(Map.of())).isEqualTo(LlmConfig.ResponseFormat.JSON_SCHEMA);
        assertThat(format(Map.of("llm.primary.response-format", "json_object")))
                .isEqualTo(LlmConfig.ResponseFormat.JSON_OBJECT);
        assertThat(format(Map.of("llm.primary.response-format", "none"))).isEqualTo(LlmConfig.ResponseFormat.NONE);
        assertThat(format(Map.of("llm.primary.response-format", "JSON_SCHEMA")))
                .isEqualTo(LlmConfig.ResponseFormat.JSON_SCHEMA);
    }

    @Test
    void theOrderingIsReadInLowerCaseAsBefore() {
        assertThat(TestConfigs.mapping(WorkerConfig.class, Map.of()).ordering()).isEqualTo(WorkerConfig.Ordering.KEY);
        assertThat(TestConfigs.mapping(WorkerConfig.class, Map.of("worker.ordering", "partition")).ordering())
                .isEqualTo(WorkerConfig.Ordering.PARTITION);
    }

    private static LlmConfig.ResponseFormat format(Map<String, String> properties) {
        return TestConfigs.mapping(LlmConfig.class, properties).primary().responseFormat();
    }
}
