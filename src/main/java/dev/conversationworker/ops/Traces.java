package dev.conversationworker.ops;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

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
    /** Whether the Kafka connector makes spans and writes the {@code traceparent} itself ({@link TracingDefaults}). */
    private final boolean connectorTraces;

    @Inject
    Traces(Tracer tracer,
            @ConfigProperty(name = TracingDefaults.ENDPOINT) Optional<String> endpoint,
            @ConfigProperty(name = TracingDefaults.CONNECTOR_TRACING, defaultValue = "true") boolean connectorTraces) {
        this(tracer, endpoint.filter(url -> !url.isBlank()).isPresent(), connectorTraces);
    }

    Traces(Tracer tracer, boolean exported, boolean connectorTraces) {
        this.tracer = tracer;
        this.exported = exported;
        this.connectorTraces = connectorTraces;
    }

    /** Spans that record nothing, and the trace passed on as it came: for unit tests that build a stage by hand. */
    public static Traces none() {
        return new Traces(OpenTelemetry.noop().getTracer("none"), false, false);
    }

    /**
     * The trace context of an incoming record: as SmallRye's Kafka connector extracted it (under its receive span)
     * when it traces, else the record's own {@code traceparent} header (the root context when it has none).
     */
    public static Context of(Message<?> record) {
        return TracingMetadata.fromMessage(record).map(TracingMetadata::getCurrentContext)
                .or(() -> record.getMetadata(IncomingKafkaRecordMetadata.class)
                        .map(kafka -> W3C.extract(Context.root(), kafka.getHeaders(), HEADERS)))
                .orElse(Context.root());
    }

    /**
     * The outgoing record carries this context as its {@code traceparent}. When the Kafka connector traces (an OTLP
     * endpoint is set), it writes the header under its publish span, and adds it beside any already there: a copy
     * (a dead letter keeps its record's headers) is taken out so that there is one. Otherwise it is written here, as
     * it came: a worker that makes no spans passes the trace on rather than pointing at spans no one will receive.
     * Call it once the record's Kafka metadata is on: metadata added later replaces it.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public <T> Message<T> carry(Message<T> record, Context trace) {
        Message<T> traced = record.addMetadata(TracingMetadata.withCurrent(trace));
        Optional<OutgoingKafkaRecordMetadata> kafka = traced.getMetadata(OutgoingKafkaRecordMetadata.class);
        Headers headers = kafka.map(OutgoingKafkaRecordMetadata::getHeaders).orElse(null);
        if (connectorTraces) {
            if (headers != null) {
                headers.remove(TRACEPARENT);
                headers.remove(TRACESTATE);
            }
            return traced;
        }
        if (!Span.fromContext(trace).getSpanContext().isValid()) {
            return traced;
        }
        if (headers == null) {
            headers = new RecordHeaders();
            OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder builder = kafka
                    .map(OutgoingKafkaRecordMetadata::from).orElseGet(OutgoingKafkaRecordMetadata::builder);
            traced = traced.addMetadata(builder.withHeaders(headers).build());
        }
        W3C.inject(trace, headers, HEADERS);
        return traced;
    }

    /**
     * A record sent without the connector (exactly-once mode's own producer) carries {@code trace} as its
     * {@code traceparent}, replacing any the headers held.
     */
    public void inject(Context trace, Headers headers) {
        if (Span.fromContext(trace).getSpanContext().isValid()) {
            W3C.inject(trace, headers, HEADERS);
        }
    }

    private static final String TRACEPARENT = "traceparent";
    private static final String TRACESTATE = "tracestate";
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    /** Kafka headers as W3C trace-context carriers (the last value of a repeated header counts). */
    private static final KafkaHeadersCarrier HEADERS = new KafkaHeadersCarrier();

    private static final class KafkaHeadersCarrier implements TextMapGetter<Headers>, TextMapSetter<Headers> {

        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null
                    ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }

        @Override
        public void set(Headers headers, String key, String value) {
            if (headers != null) {
                headers.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8));
            }
        }
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
