package dev.conversationworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface.Property;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;

/**
 * The configuration reference (docs/configuration.md, section "Reference") and the {@code @ConfigMapping}s of
 * src/main/java are equal, both ways: every key of every mapping is a row, with its default and its environment
 * variable, and every row is a key of a mapping or one of the few keys listed here that the worker reads otherwise.
 * The keys come from SmallRye Config's own mapping metadata ({@link ConfigMappings#getProperties}), so nested
 * groups, maps and lists are named as SmallRye reads them, and a new mapping is checked without changing this test.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("docs/configuration.md");
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");

    /** Keys the reference documents that no mapping of ours declares. Keep it short: a setting of ours is typed. */
    private static final Set<String> NOT_IN_A_MAPPING = Set.of(
            // Read by the Kafka connector, Quarkus' Redis client, HTTP server and OpenTelemetry exporter.
            "kafka.bootstrap.servers", "quarkus.redis.hosts", "quarkus.redis.client-type", "quarkus.http.port",
            "quarkus.otel.exporter.otlp.traces.endpoint",
            // The channels' own settings that an operator may need to change.
            "mp.messaging.incoming.chat-events.group.id", "mp.messaging.incoming.notification-delivery.group.id",
            "mp.messaging.incoming.chat-events.throttled.unprocessed-record-max-age.ms");

    /** A row of the reference: {@code | `key` | `ENV` | default | what |}. */
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| (.*?) \\| (.*?) \\| .* \\|$");

    @Test
    void everyKeyOfEveryMappingIsInTheReference() throws IOException {
        Set<String> missing = new TreeSet<>(mappingKeys().keySet());
        assertThat(missing).as("keys found in the @ConfigMappings (about a hundred)").hasSizeGreaterThan(50);
        missing.removeAll(reference().keySet());
        assertThat(missing).as("keys of the @ConfigMappings missing from " + REFERENCE).isEmpty();
    }

    @Test
    void everyKeyInTheReferenceIsAKeyOfAMappingOrListed() throws IOException {
        Set<String> unknown = new TreeSet<>(reference().keySet());
        unknown.removeAll(mappingKeys().keySet());
        unknown.removeAll(NOT_IN_A_MAPPING);
        assertThat(unknown).as("keys of " + REFERENCE + " that no @ConfigMapping declares (nor NOT_IN_A_MAPPING)")
                .isEmpty();
        Set<String> stale = new TreeSet<>(NOT_IN_A_MAPPING);
        stale.removeAll(reference().keySet());
        assertThat(stale).as("NOT_IN_A_MAPPING lists only keys the reference documents").isEmpty();
    }

    @Test
    void eachRowGivesItsKeysVariableAndDefault() throws IOException {
        Map<String, Property> mappings = mappingKeys();
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(PROPERTIES)) {
            properties.load(in);
        }
        List<String> wrong = new ArrayList<>();
        reference().forEach((key, row) -> {
            if (!row.variable().contains("`" + variable(key) + "`")) {
                wrong.add(key + ": variable " + variable(key) + " not in '" + row.variable() + "'");
            }
            // What the worker runs with: application.properties wins over the mapping's @WithDefault.
            Optional<String> value = Optional.ofNullable(properties.getProperty(key))
                    .or(() -> Optional.ofNullable(mappings.get(key)).filter(Property::hasDefaultValue)
                            .map(Property::getDefaultValue));
            if (value.isPresent() && !value.get().contains("${") && !row.defaultValue().startsWith(
                    "`" + value.get() + "`")) {
                wrong.add(key + ": default " + value.get() + " but the reference says '" + row.defaultValue() + "'");
            }
            if (value.isEmpty() && mappings.containsKey(key) && !row.defaultValue().startsWith("—")) {
                wrong.add(key + ": no default, but the reference says '" + row.defaultValue() + "'");
            }
        });
        assertThat(wrong).as("rows of " + REFERENCE).isEmpty();
    }

    /**
     * Every key of every {@code @ConfigMapping} in src/main/java, as SmallRye names it. A map's key is {@code *}
     * (the reference writes {@code <name>}); a list's indexed form ({@code kinds[*]}) is left out, as the
     * reference documents the comma-separated value of its key ({@code kinds}).
     */
    private static Map<String, Property> mappingKeys() {
        Map<String, Property> keys = new TreeMap<>();
        new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.conversationworker").stream()
                .filter(type -> type.isAnnotatedWith(ConfigMapping.class))
                .map(JavaClass::reflect)
                .forEach(type -> ConfigMappings.getProperties(ConfigClass.configClass(type,
                        type.getAnnotation(ConfigMapping.class).prefix())).forEach((name, property) -> {
                            if (!name.endsWith("[*]")) {
                                keys.put(name, property);
                            }
                        }));
        return keys;
    }

    private record Row(String variable, String defaultValue) {
    }

    /** The rows of the reference's tables, by key, with {@code <name>} placeholders written as SmallRye's {@code *}. */
    private static Map<String, Row> reference() throws IOException {
        Map<String, Row> rows = new TreeMap<>();
        boolean inReference = false;
        for (String line : Files.readAllLines(REFERENCE)) {
            if (line.startsWith("## ")) {
                inReference = line.equals("## Reference");
            }
            Matcher row = ROW.matcher(line);
            if (inReference && row.matches()) {
                rows.put(row.group(1).replaceAll("<[^>]+>", "*"), new Row(row.group(2), row.group(3)));
            }
        }
        return rows;
    }

    /** Quarkus' environment variable of a key: {@code llm.primary.base-url} → {@code LLM_PRIMARY_BASE_URL}. */
    private static String variable(String key) {
        return key.replace("*", "<NAME>").toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9<>]", "_");
    }
}
