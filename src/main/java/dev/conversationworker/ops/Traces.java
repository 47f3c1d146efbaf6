package dev.conversationworker.ops;

import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;

/**
 * The worker's OpenTelemetry spans. An event's trace context travels as a value, from its record through each stage
 * to the records it causes, rather than as the thread's current context: a stage resumes on whichever thread Redis,
 * the CPU pool or the HTTP client completes on, where an implicit context would be lost or, worse, another
 * event's.
 */
@ApplicationScoped
public class Traces {

    public static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("conversation.id");
    public static final AttributeKey<String> LLM_PROVIDER = AttributeKey.stringKey("llm.provider");
    public static final AttributeKey<String> LLM_MODEL = AttributeKey.stringKey("llm.model");
    public static final AttributeKey<Long> LLM_ATTEMPT = AttributeKey.longKey("llm.attempt");
    public static final AttributeKey<Boolean> LLM_HEDGED = AttributeKey.booleanKey("llm.hedged");

    private final Tracer tracer;
    /**
     * Whether spans go anywhere. Without an OTLP endpoint the worker's own spans would be built, sampled and
     * dropped for every step of every event: they are not made then (the records still carry the trace on).
     */
    private final boolean exported;

    @Inject
    Traces(Tracer tracer,
            @ConfigProperty(name = "quarkus.otel.exporter.otlp.traces.endpoint") Optional<String> endpoint) {
        this(tracer, endpoint.filter(url -> !url.isBlank()).isPresent());
    }

    Traces(Tracer tracer, boolean exported) {
        this.tracer = tracer;
        this.exported = exported;
    }

    /** Spans that record nothing: for unit tests that build a stage by hand. */
    public static Traces none() {
        return new Traces(OpenTelemetry.noop().getTracer("none"), false);
    }

    /**
     * The trace context of an incoming record: its {@code traceparent} header, as SmallRye's Kafka connector
     * extracted it (a new trace when it has none).
     */
    public static Context of(Message<?> record) {
        return TracingMetadata.fromMessage(record).map(TracingMetadata::getCurrentContext).orElse(Context.root());
    }

    /** The outgoing record carries this context: Kafka's connector writes it as the record's {@code traceparent}. */
    public static <T> Message<T> carry(Message<T> record, Context trace) {
        return record.addMetadata(TracingMetadata.withCurrent(trace));
    }

    /**
     * Runs a step in a span of its own, a child of {@code parent} (the event's trace), ending with the step. The
     * worker's spans are siblings under the record's: the records a step sends carry the record's context on.
     */
    public <T> Uni<T> span(String name, Context parent, Supplier<Uni<T>> step) {
        return span(name, parent, Attributes.empty(), step);
    }

    /** Likewise, with attributes. */
    public <T> Uni<T> span(String name, Context parent, Attributes attributes,
            Supplier<Uni<T>> step) {
        if (!exported) {
            return Uni.createFrom().deferred(step::get);
        }
        return Uni.createFrom().deferred(() -> {
            Span span = tracer.spanBuilder(name).setParent(parent).setAllAttributes(attributes).startSpan();
            Uni<T> running;
            try {
                running = step.get();
            } catch (RuntimeException e) {
                end(span, e);
                throw e;
            }
            return running.onItemOrFailure().invoke((item, failure) -> end(span, failure))
                    .onCancellation().invoke(() -> {
                        span.setAttribute("cancelled", true);
                        span.end();
                    });
        });
    }

    private static void end(Span span, Throwable failure) {
        if (failure != null) {
            // The failure's class and message only: messages here never hold prompt text or keys.
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
    }
}
