package dev.conversationworker.pipeline;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.StartupEvent;

import dev.conversationworker.analysis.LlmConfig;
import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.formatting.FormattingConfig;
import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.ingest.DeliveryGuaranteeDefaults;
import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.pseudonymise.PseudonymiseConfig;
import dev.conversationworker.schedule.AnalysisConfig;

/** Refuses to start with settings that contradict each other; the message names every broken rule's keys. */
@ApplicationScoped
class ConfigurationCheck {

    /** Before SmallRye Reactive Messaging starts its channels (at priority 1000): no record is touched. */
    void check(@Observes @Priority(10) StartupEvent event, WorkerConfig worker, HistoryConfig history,
            FormattingConfig formatting,
            LlmConfig llm, AnalysisConfig analysis, PseudonymiseConfig pseudonymise) {
        String inputCommitStrategy = ConfigProvider.getConfig()
                .getOptionalValue(DeliveryGuaranteeDefaults.COMMIT_STRATEGY, String.class).orElse("throttled");
        AnalysisConfig.Waiting wait = analysis.waiting();
        AnalysisConfig.Idle idle = analysis.idle();
        List<String> broken = new ConfigurationRules()
                .leaseOutlivesTheLlmDeadline(wait.lease(), llm.deadline())
                .pseudonymisedHistoryIsKeyed(pseudonymise.inHistory(), pseudonymise.historyKey(),
                        pseudonymise.restoreInAnalysis())
                .dedupeWindowCoversTheHistory(history.dedupeWindow(), history.maxMessages())
                .idleFallsDueBeforeTheHistoryExpires(idle.after(), history.ttl())
                .notNegative("analysis.idle.after", idle.after().toMillis())
                .notNegative("analysis.every-messages", analysis.everyMessages())
                .positive("analysis.idle.lease (ms)", idle.lease().toMillis())
                .positive("analysis.idle.max-attempts", idle.maxAttempts())
                .positive("analysis.idle.poll-interval (ms)", idle.pollInterval().toMillis())
                .positive("analysis.idle.max-claimed", idle.maxClaimed())
                .positive("history.max-messages", history.maxMessages())
                .positive("history.max-message-chars", history.maxMessageChars())
                .positive("formatting.max-message-chars", formatting.maxMessageChars())
                .atLeast("formatting.max-chars", formatting.maxChars(), ConversationFormatter.MIN_CHARS)
                .atLeast("formatting.max-prompt-tokens", formatting.maxPromptTokens(),
                        ConversationFormatter.MIN_PROMPT_TOKENS)
                // A budget must hold one of the largest calls, or every such call is refused for good.
                .atLeast("llm.budget.tokens-per-hour", llm.budget().tokensPerHour().orElse(Long.MAX_VALUE),
                        (long) formatting.maxPromptTokens() + llm.maxCompletionTokens())
                .oneCommitterOfOffsets(worker.deliveryGuarantee() == WorkerConfig.DeliveryGuarantee.EXACTLY_ONCE,
                        inputCommitStrategy)
                .positive("worker.commit-interval (ms)", worker.commitInterval().toMillis())
                .atLeast("worker.offset-metadata-max-bytes", worker.offsetMetadataMaxBytes(), 64)
                .positive("worker.max-in-flight", worker.maxInFlight())
                .positive("worker.max-in-flight-bytes", worker.maxInFlightBytes().asLongValue())
                .positive("analysis.max-resuming", wait.maxResuming())
                .backoffGrows("worker.retry-initial-backoff", worker.retryInitialBackoff(),
                        "worker.retry-max-backoff", worker.retryMaxBackoff())
                .backoffGrows("analysis.retry-initial-backoff", wait.retryInitialBackoff(),
                        "analysis.retry-max-backoff", wait.retryMaxBackoff())
                .broken();
        if (!broken.isEmpty()) {
            throw new IllegalStateException("The configuration contradicts itself:\n  " + String.join("\n  ", broken));
        }
    }
}
