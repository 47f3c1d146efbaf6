package dev.conversationworker.pipeline;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.analysis.ConversationAnalyzer;
import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.LlmUsage;

/**
 * Step 5: the LLM (or the offline analyzer) is asked; its calls are spans under the event's trace. Never fails for
 * an LLM: an unreachable one is an outcome ({@link AnalysisOutcome#llmUnreachable()}), which the next step parks.
 * Pure orchestration over {@link ConversationAnalyzer} (tested in {@code analysis}); {@code AnalysisContractTest}
 * covers it in place.
 */
@Singleton
class AnalyseStep {

    private final ConversationAnalyzer analyzer;

    AnalyseStep(ConversationAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** A conversation withheld by {@link PseudonymiseStep} never reaches an LLM. */
    Uni<AnalysisOutcome> analyse(DecodedConversation conversation, TracedEvent event) {
        return conversation.withheld()
                ? analyzer.analyseWithheld(conversation.entries())
                : analyzer.analyse(conversation.entries(), conversation.formatted(), event.trace());
    }

    /**
     * A waiting analysis: only the LLM is asked again, with the conversation as it was formatted then. One whose
     * text was withheld is never parked (the offline analyzer answered it); should one be, no LLM sees it.
     *
     * @param spentBefore what its earlier attempts cost: the outcome's usage adds this attempt's calls
     */
    Uni<AnalysisOutcome> askAgain(FormattedConversation conversation, LlmUsage spentBefore, TracedEvent event) {
        return conversation.pseudonymisation() != null && conversation.pseudonymisation().failed()
                ? Uni.createFrom().item(AnalysisOutcome.failed("its personal data could not be pseudonymised", 0,
                        false).costing(spentBefore, ConversationAnalyzer.promptVersion()))
                : analyzer.askLlm(conversation, event.trace(), spentBefore);
    }
}
