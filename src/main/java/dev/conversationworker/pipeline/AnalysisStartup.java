package dev.conversationworker.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.StartupEvent;

import dev.conversationworker.analysis.ConversationAnalyzer;
import dev.conversationworker.ingest.ChatEventConsumer;
import dev.conversationworker.ingest.WorkerConfig;

/**
 * Where this worker analyses, makes the door from Kafka and the analyzer at start-up rather than at the first
 * record, so that their series (events in flight, the LLM's circuit and latency) exist before any event: an alert
 * or a panel reads them from the start. A delivery-only worker makes neither.
 */
@ApplicationScoped
class AnalysisStartup {

    void start(@Observes StartupEvent event, WorkerConfig worker, ChatEventConsumer door,
            ConversationAnalyzer analyzer) {
        if (worker.analysisEnabled()) {
            // Unwrapping a client proxy creates the bean behind it.
            ClientProxy.unwrap(door);
            ClientProxy.unwrap(analyzer);
        }
    }
}
