package dev.conversationworker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Tracing costs CPU only where spans go somewhere; an operator's own setting still wins. */
class TracingDefaultsTest {

    @Test
    void withoutAnEndpointTheSdkAndTheConnectorsSpansAreOff() {
        SmallRyeConfig config = config(Map.of(TracingDefaults.ENDPOINT, " "));
        assertThat(config.getOptionalValue("quarkus.otel.sdk.disabled", Boolean.class)).contains(true);
        assertThat(config.getOptionalValue("mp.messaging.connector.smallrye-kafka.tracing-enabled", Boolean.class))
                .contains(false);
    }

    /**
     * Both values are given either way: Quarkus records what the build saw (no endpoint: off) as runtime defaults,
     * which must not stay in force when the deployment names a collector.
     */
    @Test
    void withAnEndpointTheSdkAndTheConnectorsSpansAreOnAboveWhatTheBuildRecorded() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of(TracingDefaults.ENDPOINT, "http://collector:4317"),
                        "env", 300))
                .withSources(new PropertiesConfigSource(Map.of("quarkus.otel.sdk.disabled", "true",
                        "mp.messaging.connector.smallrye-kafka.tracing-enabled", "false"), "build-time values", 0))
                .withSources(new TracingDefaults())
                .build();
        assertThat(config.getOptionalValue("quarkus.otel.sdk.disabled", Boolean.class)).contains(false);
        assertThat(config.getOptionalValue("mp.messaging.connector.smallrye-kafka.tracing-enabled", Boolean.class))
                .contains(true);
    }

    @Test
    void anOperatorsExplicitSettingWins() {
        SmallRyeConfig config = config(Map.of(TracingDefaults.ENDPOINT, "",
                "mp.messaging.connector.smallrye-kafka.tracing-enabled", "true"));
        assertThat(config.getOptionalValue("mp.messaging.connector.smallrye-kafka.tracing-enabled", Boolean.class))
                .contains(true);
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .withSources(new TracingDefaults())
                .build();
    }
}
