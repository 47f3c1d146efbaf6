package dev.conversationworker.pipeline;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Singleton;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.ingest.ChatEventParser;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.WorkerMetrics;

/**
 * Step 1: a record becomes a {@link ChatEvent} (on the CPU pool when it is big), or fails with
 * {@code InvalidEventException}, which dead-letters it. {@link ChatEventParser}'s own test covers the contract.
 */
@Singleton
class ParseStep {

    private final StepRunner steps;
    private final CpuWorkPool cpu;
    private final ChatEventParser parser;
    private final WorkerMetrics metrics;

    ParseStep(StepRunner steps, CpuWorkPool cpu, ChatEventParser parser, WorkerMetrics metrics) {
        this.steps = steps;
        this.cpu = cpu;
        this.parser = parser;
        this.metrics = metrics;
    }

    Uni<ChatEvent> parse(byte[] recordKey, byte[] recordValue, Context trace) {
        return steps.untilDone(Stage.PARSE, unparsed(recordKey, trace),
                () -> cpu.run(recordBytes(recordKey, recordValue), () -> parser.parse(recordKey, recordValue)))
                .invoke(event -> metrics.eventIn(event.type()));
    }

    /** Before it is parsed, a record's log lines name its key as its conversation: the key should be that. */
    static TracedEvent unparsed(byte[] recordKey, Context trace) {
        return new TracedEvent(trace, recordKey == null ? null : new String(recordKey, StandardCharsets.UTF_8),
                null);
    }

    /** What decides whether parsing is worth a trip to the CPU pool ({@link CpuWorkPool#INLINE_BYTES}). */
    static long recordBytes(byte[] recordKey, byte[] recordValue) {
        return (recordKey == null ? 0 : recordKey.length) + (recordValue == null ? 0 : recordValue.length);
    }
}
