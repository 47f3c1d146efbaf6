package dev.conversationworker.schedule;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigSourceInterceptorFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * The idle schedule's keys from before they became a group of their own ({@code analysis.idle-after},
 * {@code analysis.idle-lease}, {@code analysis.idle-max-attempts}) keep their meaning in a properties file or a
 * system property written for an older version, unless the new key is set as firmly. (Their environment variables
 * are the same as the new keys', {@code ANALYSIS_IDLE_AFTER} and so on.)
 * <p>
 * Not SmallRye's {@code FallbackConfigSourceInterceptor}: the new key always has a value (its {@code @WithDefault}),
 * so a fallback is never asked; nor its {@code RelocateConfigSourceInterceptor}, which would let an old key in a
 * properties file win over the new one set in the environment. Here the more firmly set of the two wins.
 */
public final class IdleKeyFallbacks implements ConfigSourceInterceptorFactory {

    /** New key → the key older versions read. */
    static final Map<String, String> OLD_NAMES = Map.of(
            "analysis.idle.after", "analysis.idle-after",
            "analysis.idle.lease", "analysis.idle-lease",
            "analysis.idle.max-attempts", "analysis.idle-max-attempts");

    @Override
    public ConfigSourceInterceptor getInterceptor(ConfigSourceInterceptorContext context) {
        return new ConfigSourceInterceptor() {

            @Override
            public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
                return value(context, name);
            }

            /** The old keys are read through the new ones: not unknown keys that would stop the worker. */
            @Override
            public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
                List<String> names = new ArrayList<>();
                context.iterateNames().forEachRemaining(name -> {
                    if (!OLD_NAMES.containsValue(name)) {
                        names.add(name);
                    }
                });
                return names.iterator();
            }
        };
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(Priorities.LIBRARY + 600);
    }

    /** The new key's value, unless only its default is there and the old key is set: then the old key's. */
    private static ConfigValue value(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        String oldName = OLD_NAMES.get(name);
        if (oldName == null) {
            return value;
        }
        ConfigValue old = context.proceed(oldName);
        if (old != null && (value == null || old.getConfigSourceOrdinal() > value.getConfigSourceOrdinal())) {
            return old.withName(name);
        }
        return value;
    }
}
