package dev.conversationworker.ops;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Without an OTLP endpoint no span goes anywhere, yet the OpenTelemetry SDK and the Kafka connector would still
 * build, sample and drop a receive and a publish span per record, and trace every Redis and HTTP call: about 6 % of
 * the worker's CPU. So the SDK and the connector's tracing follow the endpoint: off without one (and {@link Traces}
 * passes each record's {@code traceparent} on itself), on with one. An operator's explicit setting still wins: this
 * source ranks below every other but Quarkus's defaults. It always gives both values, whichever way: Quarkus also
 * runs it while building, with no endpoint, and records what it gave as runtime defaults (ordinal 0), which a
 * source giving nothing at run time would leave in force. A property expression cannot say "false when that one is
 * blank", hence a config source.
 */
public final class TracingDefaults implements ConfigSourceFactory {

    static final String ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    static final String CONNECTOR_TRACING = "mp.messaging.connector.smallrye-kafka.tracing-enabled";
    /** Below application.properties (250), environment variables (300) and system properties (400). */
    private static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue endpoint = context.getValue(ENDPOINT);
        boolean exported = endpoint != null && endpoint.getValue() != null && !endpoint.getValue().isBlank();
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.otel.sdk.disabled", Boolean.toString(!exported),
                CONNECTOR_TRACING, Boolean.toString(exported)),
                "tracing only with an OTLP endpoint", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
