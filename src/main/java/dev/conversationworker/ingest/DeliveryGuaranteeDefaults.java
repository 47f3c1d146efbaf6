package dev.conversationworker.ingest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * The input channel's commit strategy (and isolation level) follows {@code worker.delivery-guarantee}: SmallRye's {@code throttled} for
 * at-least-once; {@code ignore} for exactly-once, where {@link ExactlyOnceCommitter} commits offsets inside its
 * transactions, and a commit of SmallRye's beside them would overwrite their map of finished records. A property
 * expression cannot choose between two values, hence a config source, as {@code ops.TracingDefaults} does. It ranks
 * below application.properties and the environment; a strategy set there in exactly-once mode is refused at start
 * ({@code ConfigurationRules}). It always gives its value: Quarkus also runs it while building.
 */
public final class DeliveryGuaranteeDefaults implements ConfigSourceFactory {

    public static final String GUARANTEE = "worker.delivery-guarantee";
    public static final String COMMIT_STRATEGY = "mp.messaging.incoming." + ChatEventConsumer.CHANNEL
            + ".commit-strategy";
    static final String ISOLATION_LEVEL = "mp.messaging.incoming." + ChatEventConsumer.CHANNEL + ".isolation.level";
    private static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue guarantee = context.getValue(GUARANTEE);
        String strategy = commitStrategy(guarantee == null ? null : guarantee.getValue());
        // With transactions, offsets are read back only once the transaction holding them is resolved (KIP-447).
        String isolation = "ignore".equals(strategy) ? "read_committed" : "read_uncommitted";
        return List.of(new PropertiesConfigSource(Map.of(COMMIT_STRATEGY, strategy, ISOLATION_LEVEL, isolation),
                "commit strategy and isolation level by delivery guarantee", ORDINAL));
    }

    /** The strategy the input channel needs under this guarantee (as configured, or null for the default). */
    public static String commitStrategy(String guarantee) {
        return guarantee != null && guarantee.trim().toLowerCase(Locale.ROOT).replace('_', '-').equals("exactly-once")
                ? "ignore"
                : "throttled";
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
