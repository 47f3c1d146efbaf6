package dev.conversationworker.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The one {@code analysis} mapping: the environment variables operators set today keep their meaning, and the idle
 * schedule's own poll interval and claim bound follow the waiting room's unless set.
 */
class AnalysisConfigTest {

    @Test
    void todaysEnvironmentVariablesKeepTheirMeaning() {
        AnalysisConfig config = fromEnvironment(Map.of("ANALYSIS_IDLE_AFTER", "2s", "ANALYSIS_IDLE_LEASE", "3s",
                "ANALYSIS_IDLE_MAX_ATTEMPTS", "5", "ANALYSIS_POLL_INTERVAL", "200ms", "ANALYSIS_MAX_RESUMING", "7",
                "ANALYSIS_MAX_WAIT", "20m", "ANALYSIS_MAX_WAITING", "9", "ANALYSIS_EVERY_MESSAGES", "4",
                "ANALYSIS_LEASE", "10s"));

        assertThat(config.idle().after()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.idle().lease()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.idle().maxAttempts()).isEqualTo(5);
        assertThat(config.waiting().pollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.waiting().maxResuming()).isEqualTo(7);
        assertThat(config.waiting().maxWait()).isEqualTo(Duration.ofMinutes(20));
        assertThat(config.waiting().maxWaiting()).isEqualTo(9);
        assertThat(config.waiting().lease()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.everyMessages()).isEqualTo(4);
        // Idle polled on the waiting room's settings before it had its own: still so unless told otherwise.
        assertThat(config.idle().pollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.idle().maxClaimed()).isEqualTo(7);
    }

    @Test
    void theIdleScheduleHasItsOwnPollIntervalAndBoundWhenSet() {
        AnalysisConfig config = fromEnvironment(Map.of("ANALYSIS_POLL_INTERVAL", "200ms", "ANALYSIS_MAX_RESUMING",
                "7", "ANALYSIS_IDLE_POLL_INTERVAL", "2s", "ANALYSIS_IDLE_MAX_CLAIMED", "300"));

        assertThat(config.idle().pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.idle().maxClaimed()).isEqualTo(300);
        assertThat(config.waiting().pollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.waiting().maxResuming()).isEqualTo(7);
    }

    /** A properties file or system property written for an older version keeps its meaning. */
    @Test
    void theIdleKeysOfOlderVersionsStillWorkAndTheNewOnesWin() {
        AnalysisConfig old = build(new PropertiesConfigSource(Map.of("analysis.idle-after", "2s",
                "analysis.idle-lease", "3s", "analysis.idle-max-attempts", "5"), "application.properties", 250));
        assertThat(old.idle().after()).isEqualTo(Duration.ofSeconds(2));
        assertThat(old.idle().lease()).isEqualTo(Duration.ofSeconds(3));
        assertThat(old.idle().maxAttempts()).isEqualTo(5);

        AnalysisConfig both = build(new PropertiesConfigSource(Map.of("analysis.idle-after", "2s",
                "analysis.idle.after", "4s"), "application.properties", 250));
        assertThat(both.idle().after()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void defaultsAreTodays() {
        AnalysisConfig config = fromEnvironment(Map.of());

        assertThat(config.idle().after()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.idle().lease()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.idle().maxAttempts()).isEqualTo(3);
        assertThat(config.idle().pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.idle().maxClaimed()).isEqualTo(64);
        assertThat(config.waiting().lease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.everyMessages()).isZero();
    }

    private static AnalysisConfig fromEnvironment(Map<String, String> env) {
        return build(new EnvConfigSource(env, 300));
    }

    /** As Quarkus builds it: expressions expanded, durations such as "30m" understood, the old keys' fallbacks. */
    private static AnalysisConfig build(ConfigSource source) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withInterceptorFactories(new IdleKeyFallbacks())

                .withMapping(AnalysisConfig.class).withConverter(Duration.class, 200, new DurationConverter())
                .withSources(source).build().getConfigMapping(AnalysisConfig.class);
    }
}
