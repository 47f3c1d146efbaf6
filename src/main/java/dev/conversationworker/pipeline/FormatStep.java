package dev.conversationworker.pipeline;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.history.HistoryWindow;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.support.LogSafe;

/**
 * Step 4: the history read is decoded and rendered for the LLM, on the CPU pool when it is big
 * ({@link DecodedConversation}, tested on its own); entries it could not read or place are counted and logged.
 */
@Singleton
class FormatStep {

    private final StepRunner steps;
    private final CpuWorkPool cpu;
    private final ConversationFormatter formatter;
    private final WorkerMetrics metrics;

    FormatStep(StepRunner steps, CpuWorkPool cpu, ConversationFormatter formatter, WorkerMetrics metrics) {
        this.steps = steps;
        this.cpu = cpu;
        this.formatter = formatter;
        this.metrics = metrics;
    }

    Uni<DecodedConversation> format(HistoryWindow window, TracedEvent event) {
        return steps.untilDone(Stage.FORMAT, event,
                () -> cpu.run(window.bytes(), () -> DecodedConversation.of(window, formatter)))
                .invoke(conversation -> {
                    if (conversation.unreadable() > 0) {
                        metrics.unreadableHistoryEntries(conversation.unreadable());
                        event.log(() -> PipelineLog.LOG.unreadableHistory(conversation.unreadable(),
                                LogSafe.oneLine(event.conversationId())));
                    }
                    if (conversation.unplaced() > 0) {
                        metrics.unplacedHistoryEntries(conversation.unplaced());
                    }
                });
    }
}
