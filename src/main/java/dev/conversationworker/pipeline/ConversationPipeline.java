package dev.conversationworker.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.analysis.ConversationAnalyzer;
import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.formatting.FormattedConversation;
import dev.conversationworker.formatting.FormattingConfig;
import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.history.HistoryCodec;
import dev.conversationworker.history.HistoryEntry;
import dev.conversationworker.ingest.ChatEvent;
import dev.conversationworker.ingest.ChatEventParser;
import dev.conversationworker.ingest.IngestConfig;
import dev.conversationworker.notification.NotificationPublisher;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.publishing.AnalysisPublisher;
import dev.conversationworker.publishing.AnalysisRecord;

/**
 * Where an event goes, start to end. A record is parsed (on the CPU pool); a message is appended to its
 * conversation's history; a trigger reads the history, formats it (on the CPU pool), has it analysed, publishes the
 * analysis and, when it calls for one, a notification. The returned {@link Uni} completes once every effect is
 * durable, fails with {@code InvalidEventException} for poison, and retries transient failures by itself.
 */
@ApplicationScoped
public class ConversationPipeline {

    private static final Logger LOG = Logger.getLogger(ConversationPipeline.class);

    private final CpuWorkPool cpu;
    private final ChatEventParser parser;
    private final ConversationHistory history;
    private final ConversationFormatter formatter;
    private final ConversationAnalyzer analyzer;
    private final AnalysisPublisher analyses;
    private final NotificationPublisher notifications;
    private final WorkerMetrics metrics;
    private final WorkerConfig config;
    private final Clock clock = Clock.systemUTC();
    private volatile boolean stopping;

    ConversationPipeline(CpuWorkPool cpu, IngestConfig ingest, ConversationHistory history,
            FormattingConfig formatting, ConversationAnalyzer analyzer, AnalysisPublisher analyses,
            NotificationPublisher notifications, WorkerMetrics metrics, WorkerConfig config) {
        this.cpu = cpu;
        this.parser = new ChatEventParser(ingest.rejectUnknownFields(), ingest.maxIdLength());
        this.history = history;
        this.formatter = new ConversationFormatter(formatting.maxChars(), formatting.maxMessageChars());
        this.analyzer = analyzer;
        this.analyses = analyses;
        this.notifications = notifications;
        this.metrics = metrics;
        this.config = config;
    }

    public Uni<Void> process(byte[] recordValue) {
        return untilDone("parse", () -> cpu.run(() -> parser.parse(recordValue)))
                .invoke(event -> metrics.eventIn(event.type().wireName()))
                .chain(event -> event.isMessage() ? store(event) : analyse(event));
    }

    private Uni<Void> store(ChatEvent message) {
        return untilDone("history-append", () -> history.append(message))
                .invoke(appended -> {
                    if (!appended) {
                        metrics.duplicateMessage();
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Void> analyse(ChatEvent trigger) {
        return untilDone("history-read", () -> history.read(trigger.conversationId()))
                .chain(stored -> untilDone("format", () -> cpu.run(() -> Conversation.of(stored, formatter))))
                .chain(conversation -> analyzer.analyse(conversation.entries(), conversation.formatted())
                        .map(outcome -> AnalysisRecord.of(trigger, conversation.formatted(), outcome, now())))
                .call(analysis -> untilDone("publish-analysis", () -> analyses.publish(analysis)))
                .call(analysis -> untilDone("publish-notification", () -> notifications.notifyIfNeeded(analysis)))
                .invoke(analysis -> {
                    metrics.analysis(analysis.status(), analysis.provider());
                    metrics.endToEnd(Duration.between(trigger.timestamp().toInstant(), clock.instant()));
                })
                .replaceWithVoid();
    }

    /** The worker is stopping: transient failures are no longer retried; their records stay unacknowledged. */
    public void stop() {
        stopping = true;
    }

    /**
     * Retries a step for as long as its failure is transient (Redis or Kafka away, the CPU pool full), with capped
     * backoff, until the worker stops.
     */
    private <T> Uni<T> untilDone(String stage, Supplier<Uni<T>> step) {
        return Uni.createFrom().deferred(step::get)
                .onFailure(this::retryable).invoke(failure -> {
                    metrics.transientRetry(stage);
                    LOG.warnf("CW-PIPE-001 %s failed (%s: %s), retrying", stage, failure.getClass().getSimpleName(),
                            failure.getMessage());
                })
                .onFailure(this::retryable).retry()
                .withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).withJitter(0.3).indefinitely();
    }

    private boolean retryable(Throwable failure) {
        return !stopping && TransientFailures.isTransient(failure);
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** A stored history decoded and rendered: the CPU part of an analysis. */
    private record Conversation(List<HistoryEntry> entries, FormattedConversation formatted) {

        static Conversation of(List<String> stored, ConversationFormatter formatter) {
            List<HistoryEntry> entries = HistoryCodec.decode(stored);
            return new Conversation(entries, formatter.format(entries));
        }
    }
}
