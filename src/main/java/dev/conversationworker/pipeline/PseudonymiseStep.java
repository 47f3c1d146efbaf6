package dev.conversationworker.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.Pseudonymisation;
import dev.conversationworker.ops.MetricLabels.PseudonymiseFailure;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.pseudonymise.PiiKind;
import dev.conversationworker.pseudonymise.PseudonymiseConfig;
import dev.conversationworker.pseudonymise.Pseudonymiser;
import dev.conversationworker.pseudonymise.Pseudonyms;
import dev.conversationworker.support.LogSafe;

/**
 * Step 5: personal data in the conversation is replaced by placeholders ({@code <EMAIL_1>}, {@code <PHONE_2>}, …)
 * before anything of it can reach an LLM. Two parts:
 * <ol>
 * <li>on the CPU pool (up to about a millisecond per kilobyte: too long for an event loop; only a short
 * conversation is done where it is, {@link #INLINE_CHARS}), the values are found and replaced, numbered in order of
 * first appearance in what was read;
 * <li>when there were any, their numbers are made the conversation's own in Redis ({@code pseudonym-numbers.lua},
 * by fingerprint, never by value), so a value keeps its placeholder in every analysis of the conversation, even
 * one that reads only its most recent messages.
 * </ol>
 * It fails closed: whatever goes wrong in the first part, the text is withheld, and {@link AnalyseStep} has the
 * offline analyzer answer without quoting the customer. Off ({@code pseudonymise.enabled=false}), it only says so
 * on the record.
 */
@Singleton
class PseudonymiseStep {

    /**
     * Conversations up to this many characters are pseudonymised where they are (an event loop included), larger
     * ones on the CPU pool: measured 13 µs for a 220-character, four-message conversation (S1's), and about 0.5 µs
     * a character when the text is dense with numbers, so at most about 130 µs here, less than the thread hops.
     */
    static final int INLINE_CHARS = 256;

    private final StepRunner steps;
    private final CpuWorkPool cpu;
    private final Pseudonymiser pseudonymiser;
    private final ConversationFormatter formatter;
    private final ConversationHistory history;
    private final PseudonymiseConfig config;
    private final WorkerMetrics metrics;

    PseudonymiseStep(StepRunner steps, CpuWorkPool cpu, Pseudonymiser pseudonymiser, ConversationFormatter formatter,
            ConversationHistory history, PseudonymiseConfig config, WorkerMetrics metrics) {
        this.steps = steps;
        this.cpu = cpu;
        this.pseudonymiser = pseudonymiser;
        this.formatter = formatter;
        this.history = history;
        this.config = config;
        this.metrics = metrics;
        metrics.startPseudonymisedKinds(Arrays.stream(PiiKind.values()).map(PiiKind::wireName).toList());
    }

    Uni<DecodedConversation> pseudonymise(DecodedConversation conversation, TracedEvent event) {
        if (!config.enabled()) {
            return Uni.createFrom().item(conversation.with(conversation.entries(),
                    conversation.formatted().withPseudonymisation(Pseudonymisation.OFF, Map.of())));
        }
        boolean keepOriginals = config.restoreInAnalysis();
        return cpu.run(conversation.formatted().text().length(), INLINE_CHARS,
                () -> inThisRead(conversation, event)).chain(
                        read -> read.values().isEmpty()
                                ? Uni.createFrom().item(read.conversation())
                                : steps.untilDone(Stage.PSEUDONYM_NUMBERS, event,
                                        () -> history.placeholderNumbers(event.conversationId(), read.fingerprints()))
                                        .chain(numbers -> cpu.run(read.conversation().formatted().text().length(),
                                                () -> read.renumbered(numbers, keepOriginals))));
    }

    /**
     * A conversation parked by a version without this step: its rendered text is pseudonymised now, its
     * placeholders numbered within this text, so no raw text leaves on a resumed attempt either.
     */
    Uni<FormattedConversation> pseudonymiseParked(FormattedConversation parked, TracedEvent event) {
        if (!config.enabled() || parked.pseudonymisation() != null) {
            return Uni.createFrom().item(parked);
        }
        return cpu.run(() -> {
            try {
                Pseudonyms pseudonyms = new Pseudonyms();
                String text = pseudonymiser.pseudonymise(parked.text(), pseudonyms);
                Map<String, String> originals = config.restoreInAnalysis()
                        ? ReadPseudonyms.originals(pseudonyms.entries(), Map.of())
                        : Map.of();
                return new FormattedConversation(text, parked.messageCount(), parked.includedCount(),
                        parked.truncated(), applied(pseudonyms), originals);
            } catch (RuntimeException | StackOverflowError failure) {
                failed(failure, event);
                return withheld(parked);
            }
        });
    }

    /** The first part: placeholders numbered within what was read (or the text withheld). */
    ReadPseudonyms inThisRead(DecodedConversation conversation, TracedEvent event) {
        try {
            Pseudonyms pseudonyms = new Pseudonyms();
            List<HistoryEntry> entries = new ArrayList<>(conversation.entries().size());
            for (HistoryEntry entry : conversation.entries()) {
                String text = entry.tokenised()
                        ? pseudonymiser.pseudonymiseTokenised(entry.text(), pseudonyms)
                        : pseudonymiser.pseudonymise(entry.text(), pseudonyms);
                entries.add(entry.withText(text, entry.tokenised()));
            }
            FormattedConversation formatted = formatter.format(entries, conversation.formatted().messageCount());
            DecodedConversation done = conversation.with(entries,
                    formatted.withPseudonymisation(applied(pseudonyms), Map.of()));
            return new ReadPseudonyms(done, pseudonyms.entries(),
                    ReadPseudonyms.fingerprints(event.conversationId(), pseudonyms.entries()));
        } catch (RuntimeException | StackOverflowError failure) {
            failed(failure, event);
            return new ReadPseudonyms(conversation.with(conversation.entries(), withheld(conversation.formatted())),
                    List.of(), List.of());
        }
    }

    private Pseudonymisation applied(Pseudonyms pseudonyms) {
        Map<String, Integer> replaced = new LinkedHashMap<>();
        pseudonyms.replacedByKind().forEach((kind, count) -> {
            replaced.put(kind.wireName(), count);
            metrics.pseudonymised(kind.wireName(), count);
        });
        return Pseudonymisation.applied(replaced);
    }

    /** Only the failure's class is logged: its message could quote the text. */
    private void failed(Throwable failure, TracedEvent event) {
        metrics.pseudonymiseFailed(PseudonymiseFailure.ANALYSIS);
        event.log(() -> PipelineLog.LOG.notPseudonymisedForAnalysis(LogSafe.oneLine(event.conversationId()),
                failure.getClass().getName()));
    }

    /** Nothing of the text is kept where it could reach an LLM: the rendering is empty. */
    private static FormattedConversation withheld(FormattedConversation formatted) {
        return new FormattedConversation("", formatted.messageCount(), 0, formatted.truncated(),
                Pseudonymisation.FAILED, Map.of());
    }
}
