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

    @Test
    void withAnEndpointNothingIsChanged() {
        SmallRyeConfig config = config(Map.of(TracingDefaults.ENDPOINT, "http://collector:4317"));
        assertThat(config.getOptionalValue("quarkus.otel.sdk.disabled", Boolean.class)).isEmpty();
        assertThat(config.getOptionalValue("mp.messaging.connector.smallrye-kafka.tracing-enabled", Boolean.class))
                .isEmpty();
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
