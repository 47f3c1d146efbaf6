package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.conversationworker.ingest.DeliveryGuaranteeDefaults;

class ConfigurationRulesTest {

    @Test
    void theDefaultsKeepEveryRule() {
        assertThat(new ConfigurationRules()
                .leaseOutlivesTheLlmDeadline(Duration.ofMinutes(2), Duration.ofSeconds(30))
                .dedupeWindowCoversTheHistory(1000, 200)
                .backoffGrows("worker.retry-initial-backoff", Duration.ofMillis(200), "worker.retry-max-backoff",
                        Duration.ofSeconds(10))
                .positive("worker.max-in-flight", 512)
                .idleFallsDueBeforeTheHistoryExpires(Duration.ofMinutes(30), Duration.ofDays(7))
                .notNegative("analysis.every-messages", 0)
                .atLeast("formatting.max-prompt-tokens", 4000, 100)
                .broken()).isEmpty();
    }

    @Test
    void eachBrokenRuleIsReportedWithTheKeysAndValuesItInvolves() {
        assertThat(new ConfigurationRules()
                .leaseOutlivesTheLlmDeadline(Duration.ofSeconds(20), Duration.ofSeconds(30))
                .dedupeWindowCoversTheHistory(100, 200)
                .backoffGrows("analysis.retry-initial-backoff", Duration.ofMinutes(2), "analysis.retry-max-backoff",
                        Duration.ofMinutes(1))
                .positive("worker.max-in-flight", 0)
                .atLeast("formatting.max-prompt-tokens", 99, 100)
                .broken()).containsExactly(
                        "analysis.lease (PT20S) must be longer than llm.deadline (PT30S): a claim must outlive the "
                                + "LLM call it was made for",
                        "history.dedupe-window (100) must be at least history.max-messages (200): a redelivered "
                                + "message still stored must be known",
                        "analysis.retry-initial-backoff (PT2M) must not be negative nor longer than "
                                + "analysis.retry-max-backoff (PT1M)",
                        "worker.max-in-flight must be at least 1, got 0",
                        "formatting.max-prompt-tokens must be at least 100, got 99");
    }

    @Test
    void exactlyOnceRefusesACommitStrategyOfSmallRyesBesideItsTransactions() {
        assertThat(new ConfigurationRules().oneCommitterOfOffsets(true, "ignore").oneCommitterOfOffsets(false,
                "throttled").broken()).isEmpty();
        assertThat(new ConfigurationRules().oneCommitterOfOffsets(true, "throttled").broken()).containsExactly(
                "worker.delivery-guarantee=exactly-once commits the input's offsets itself: "
                        + "mp.messaging.incoming.chat-events.commit-strategy must be ignore (its default in that "
                        + "mode), got throttled");
        assertThat(DeliveryGuaranteeDefaults.commitStrategy("exactly-once")).isEqualTo("ignore");
        assertThat(DeliveryGuaranteeDefaults.commitStrategy("EXACTLY_ONCE")).isEqualTo("ignore");
        assertThat(DeliveryGuaranteeDefaults.commitStrategy(null)).isEqualTo("throttled");
        assertThat(DeliveryGuaranteeDefaults.commitStrategy("at-least-once")).isEqualTo("throttled");
    }

    @Test
    void anIdleTimerThatWouldOutliveTheHistoryIsRefused() {
        assertThat(new ConfigurationRules()
                .idleFallsDueBeforeTheHistoryExpires(Duration.ofDays(7), Duration.ofDays(7))
                .notNegative("analysis.every-messages", -1)
                .broken()).containsExactly(
                        "analysis.idle.after (PT168H) must be shorter than history.ttl (PT168H): an idle "
                                + "conversation's history must still be there to analyse",
                        "analysis.every-messages must not be negative, got -1");
    }

    @Test
    void aPseudonymisedHistoryNeedsItsKeyAndCannotBeRestored() {
        assertThat(new ConfigurationRules().pseudonymisedHistoryIsKeyed(false, Optional.empty(), true).broken())
                .isEmpty();
        assertThat(new ConfigurationRules()
                .pseudonymisedHistoryIsKeyed(true, Optional.of("k".repeat(32)), false).broken()).isEmpty();
        List<String> broken = new ConfigurationRules()
                .pseudonymisedHistoryIsKeyed(true, Optional.of("short-secret-value"), true).broken();
        assertThat(broken).hasSize(2);
        assertThat(broken.get(0)).contains("PSEUDONYMISE_HISTORY_KEY").contains("32")
                .as("a secret is never quoted").doesNotContain("short-secret-value");
        assertThat(broken.get(1)).contains("pseudonymise.restore-in-analysis");
    }
}
