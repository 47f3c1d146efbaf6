package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.Severity;
import dev.conversationworker.support.StoredJson;
import dev.conversationworker.support.TokenCount;
import dev.conversationworker.testsupport.EvaluationReport;
import dev.conversationworker.testsupport.LabelledConversations;
import dev.conversationworker.testsupport.LabelledConversations.Labelled;
import dev.conversationworker.testsupport.LabelledConversations.Phrasing;
import dev.conversationworker.testsupport.LabelledConversations.Topic;

/**
 * What {@code llm.budget.when-spent=triage} would keep for the LLM, on the labelled set of
 * {@link LabelledConversations}: the offline analyzer reads every conversation, and only those it rates at least
 * {@code notify.min-severity} go to the LLM. Reports, for the thresholds high (the default) and medium, how many
 * conversations that need attention are kept (by their true severity), how many that do not are sent anyway, and
 * the tokens sent against sending everything. Printed and written to {@code target/triage-evaluation.md} (and to
 * the file named by {@code -Dtriage.evaluation.doc}, e.g. {@code docs/triage-evaluation.md}). Fails below floors a
 * little under the lowest held-out figures of four seeds measured when they were set: a regression guard, not a
 * target; and if an alarm phrase added since tuning matches held-out phrasings only.
 */
class TriageEvaluationTest {

    private static final int CONVERSATIONS = 4_000;
    private static final String MODEL = "gpt-4o-mini";
    private static final List<Severity> THRESHOLDS = List.of(Severity.HIGH, Severity.MEDIUM);
    /** Checked too, and summed up in the report: the figures vary with the draw of conversations. */
    private static final List<Long> OTHER_SEEDS = List.of(1L, 42L, 99L);
    /**
     * The alarm phrases the offline analyzer had before it was tuned for triage. Any phrase added since must have
     * been found on the tuning half: one that matches held-out phrasings only fails the test.
     */
    private static final Set<String> BEFORE_TUNING = Set.of("fraud", "hacked", "stolen", "lawsuit", "lawyer",
            "data breach", "lừa đảo", "bị hack", "mất tiền", "kiện", "refund", "charged twice", "locked out",
            "cancel my", "complaint", "manager", "hoàn tiền", "bị khóa", "khiếu nại", "trừ tiền", "urgent",
            "khẩn cấp", "gấp");

    private final OfflineAnalyzer analyzer = new OfflineAnalyzer();
    /** The defaults of formatting.max-chars and formatting.max-message-chars. */
    private final ConversationFormatter formatter = new ConversationFormatter(12_000, 4_000);
    private final TokenCount tokens = TokenCount.forModel(MODEL);

    /** One conversation as triage sees it. */
    private record Judged(Labelled conversation, AnalysisResult offline, int promptTokens, int completionTokens) {

        int tokens() {
            return promptTokens + completionTokens;
        }

        boolean flagged(Severity threshold) {
            return offline.severity().atLeast(threshold);
        }
    }

    /** Kept of those that match, out of all that match. */
    private record Share(long kept, long of) {

        double rate() {
            return of == 0 ? 0 : (double) kept / of;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d / %d (%.1f %%)", kept, of, 100 * rate());
        }
    }

    /** The figures of one part of the set at one threshold. */
    private record Figures(Share critical, Share high, Share medium, Share attention, Share low, Share none,
            Share hardNegatives, long tokensSent, long tokensAll) {

        double saved() {
            return tokensAll == 0 ? 0 : 1 - (double) tokensSent / tokensAll;
        }

        Share criticalAndHigh() {
            return new Share(critical.kept + high.kept, critical.of + high.of);
        }

        Share notAttention() {
            return new Share(low.kept + none.kept, low.of + none.of);
        }
    }

    @Test
    void triageKeepsAttentionForTheLlmAndSavesTokens() throws IOException {
        long seed = Long.getLong("triage.evaluation.seed", LabelledConversations.DEFAULT_SEED);
        List<Judged> judged = judge(seed);
        List<Judged> heldOut = heldOut(judged, true);
        List<Judged> tuning = heldOut(judged, false);
        Map<Long, List<Judged>> others = new TreeMap<>();
        OTHER_SEEDS.stream().filter(s -> s != seed).forEach(s -> others.put(s, heldOut(judge(s), true)));

        String report = report(seed, judged, heldOut, tuning, others);
        EvaluationReport.write(report, "triage-evaluation.md", "triage.evaluation.doc");

        assertThat(heldOutOnly()).as("alarm phrases added since tuning that match held-out phrasings only")
                .isSubsetOf(BEFORE_TUNING);
        assertThat(heldOut).hasSizeGreaterThan(CONVERSATIONS / 3);
        assertThat(judged.stream().filter(j -> j.conversation().needsAttention())).hasSizeGreaterThan(800);
        SoftAssertions softly = new SoftAssertions();
        Map<Long, List<Judged>> all = new TreeMap<>(others);
        all.put(seed, heldOut);
        // Floors a little under the lowest held-out figures of these seeds when they were set (see the report).
        all.forEach((s, part) -> {
            Figures atHigh = figures(part, Severity.HIGH);
            Figures atMedium = figures(part, Severity.MEDIUM);
            softly.assertThat(atHigh.criticalAndHigh().rate()).as("seed %d, held-out, threshold high: critical "
                    + "and high kept", s).isGreaterThanOrEqualTo(0.11);
            softly.assertThat(atHigh.notAttention().rate()).as("seed %d, held-out, threshold high: not attention "
                    + "sent anyway", s).isLessThanOrEqualTo(0.07);
            softly.assertThat(atHigh.saved()).as("seed %d, held-out, threshold high: tokens saved", s)
                    .isGreaterThanOrEqualTo(0.90);
            softly.assertThat(atMedium.attention().rate()).as("seed %d, held-out, threshold medium: attention "
                    + "kept", s).isGreaterThanOrEqualTo(0.14);
            softly.assertThat(atMedium.saved()).as("seed %d, held-out, threshold medium: tokens saved", s)
                    .isGreaterThanOrEqualTo(0.88);
        });
        // And the tuning half keeps what it was tuned to: a phrase removed by mistake shows here first.
        softly.assertThat(figures(tuning, Severity.HIGH).criticalAndHigh().rate())
                .as("tuning, threshold high: critical and high kept").isGreaterThanOrEqualTo(0.90);
        softly.assertAll();
    }

    private List<Judged> judge(long seed) {
        return LabelledConversations.generate(seed, CONVERSATIONS).stream().map(this::judge).toList();
    }

    private static List<Judged> heldOut(List<Judged> judged, boolean heldOut) {
        return judged.stream().filter(j -> j.conversation().heldOut() == heldOut).toList();
    }

    /**
     * The figures of the analyzer as it was before its alarm phrases were tuned for triage (offline-lexicon-1,
     * commit 19f70bf), on the same set: measured once, kept here as history (the analyzer that made them is gone).
     */
    private static final String BEFORE_TUNING_FIGURES = """
            ## Before and after tuning

            The offline analyzer's alarm phrases (`AlarmPhrases`) were extended for triage, on the tuning half \
            only: every phrase added matches a tuning phrasing, and the test fails if one matches held-out \
            phrasings only. Before (`offline-lexicon-1`, 23 keywords, measured once on seed 20261202), and now \
            (`offline-lexicon-2`, the tables above):

            | threshold | part | critical kept | high kept | medium kept | all attention kept | none sent \
            (hard negatives) | saved |
            | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
            | high | held-out, before | 9 / 195 (4.6 %) | 22 / 240 (9.2 %) | 12 / 141 (8.5 %) | 43 / 576 (7.5 %) \
            | 36 / 1329 (2.7 %) (36 / 245) | 96.1 % |
            | high | tuning, before | 24 / 192 (12.5 %) | 52 / 250 (20.8 %) | 0 / 149 (0.0 %) | 76 / 591 (12.9 %) \
            | 65 / 1178 (5.5 %) (65 / 216) | 92.5 % |
            | medium | held-out, before | 9 / 195 (4.6 %) | 25 / 240 (10.4 %) | 16 / 141 (11.3 %) \
            | 50 / 576 (8.7 %) | 36 / 1329 (2.7 %) (36 / 245) | 95.8 % |
            | medium | tuning, before | 24 / 192 (12.5 %) | 65 / 250 (26.0 %) | 1 / 149 (0.7 %) \
            | 90 / 591 (15.2 %) | 65 / 1178 (5.5 %) (65 / 216) | 91.8 % |

            The same person wrote both halves of the phrasings and tuned the phrases, so knew the held-out \
            ones: that check is what keeps the held-out figures honest (a phrase is there because a tuning \
            phrasing has it, and generalises only as far as its words do).

            What tuning shows: on the phrasings it saw, the lexicon keeps nearly every critical and high \
            conversation; on phrasings it did not see, it keeps about one in six. Customers say the same thing \
            in too many ways for a word list: a lexicon cannot be the triage's only gate for attention without \
            missing most of it. The phrasings missed are listed at the end.

            """;

    /** Alarm phrases that match some held-out phrasing and no tuning phrasing. */
    private static Set<String> heldOutOnly() {
        Set<String> inTuning = new TreeSet<>();
        Set<String> inHeldOut = new TreeSet<>();
        for (Phrasing phrasing : LabelledConversations.phrasings()) {
            List<String> found = AlarmPhrases.foundIn(OfflineAnalyzer.normalise(phrasing.text()));
            (phrasing.heldOut() ? inHeldOut : inTuning).addAll(found);
        }
        inHeldOut.removeAll(inTuning);
        return inHeldOut;
    }

    private Judged judge(Labelled conversation) {
        AnalysisPrompt prompt = AnalysisPrompt.of(formatter.format(conversation.history()));
        AnalysisResult offline = analyzer.analyse(conversation.history());
        return new Judged(conversation, offline, tokens.chatPromptTokens(prompt.system(), prompt.user()),
                tokens.of(StoredJson.write(offline)));
    }

    private static Figures figures(List<Judged> part, Severity threshold) {
        Predicate<Judged> flagged = j -> j.flagged(threshold);
        long sent = part.stream().filter(flagged).mapToLong(Judged::tokens).sum();
        long all = part.stream().mapToLong(Judged::tokens).sum();
        return new Figures(share(part, flagged, j -> j.conversation().truth() == Severity.CRITICAL),
                share(part, flagged, j -> j.conversation().truth() == Severity.HIGH),
                share(part, flagged, j -> j.conversation().truth() == Severity.MEDIUM),
                share(part, flagged, j -> j.conversation().needsAttention()),
                share(part, flagged, j -> j.conversation().truth() == Severity.LOW),
                share(part, flagged, j -> j.conversation().truth() == Severity.NONE),
                share(part, flagged, j -> j.conversation().topic() == Topic.HARD_NEGATIVE), sent, all);
    }

    private static Share share(List<Judged> part, Predicate<Judged> kept, Predicate<Judged> of) {
        List<Judged> matching = part.stream().filter(of).toList();
        return new Share(matching.stream().filter(kept).count(), matching.size());
    }

    private static String report(long seed, List<Judged> all, List<Judged> heldOut, List<Judged> tuning,
            Map<Long, List<Judged>> others) {
        StringBuilder out = new StringBuilder();
        out.append("# Triage: what the offline analyzer keeps for the LLM\n\n");
        out.append("Written by `TriageEvaluationTest` (do not edit by hand). Command:\n\n");
        out.append(
                "    ./mvnw -B test -Dtest=TriageEvaluationTest -Dtriage.evaluation.doc=docs/triage-evaluation.md\n\n");
        out.append("Another seed: add `-Dtriage.evaluation.seed=N`.\n\n");
        out.append("With `llm.budget.when-spent=triage` the offline analyzer (`OfflineAnalyzer`) reads every ")
                .append("conversation first; only a conversation it rates at least `notify.min-severity` goes to ")
                .append("the LLM, the others are published from the offline analysis. A conversation that needs ")
                .append("attention and is not sent is caught only if the offline analysis itself flags it, which ")
                .append("below the threshold it does not.\n\n");
        Figures atHigh = figures(heldOut, Severity.HIGH);
        Figures atMedium = figures(heldOut, Severity.MEDIUM);
        out.append(String.format(Locale.ROOT, "**In short** (held-out phrasings): at the default threshold `high` "
                + "triage keeps for the LLM %s of the critical and high conversations that need attention and "
                + "%s of the medium ones, sends %s of those that need none, and saves %.1f %% of the tokens; at "
                + "`medium` it keeps %s of all that need attention and saves %.1f %%. The conversations it does "
                + "not keep are published from the offline analysis, below the threshold: no one is told.%n%n",
                atHigh.criticalAndHigh(), atHigh.medium(), atHigh.notAttention(), 100 * atHigh.saved(),
                atMedium.attention(), 100 * atMedium.saved()));
        appendSet(out, seed, all, heldOut, tuning);
        appendTokensMethod(out, all);
        for (Severity threshold : THRESHOLDS) {
            appendThreshold(out, threshold, all, heldOut, tuning);
        }
        appendOtherSeeds(out, others);
        appendLanguages(out, heldOut);
        appendWiderNet(out, heldOut);
        if (seed == LabelledConversations.DEFAULT_SEED) {
            out.append(BEFORE_TUNING_FIGURES);
        }
        appendTopics(out, heldOut);
        appendExamples(out, heldOut);
        return out.toString();
    }

    private static void appendSet(StringBuilder out, long seed, List<Judged> all, List<Judged> heldOut,
            List<Judged> tuning) {
        long english = all.stream().filter(j -> j.conversation().language().equals("en")).count();
        long attention = all.stream().filter(j -> j.conversation().needsAttention()).count();
        long phrasings = LabelledConversations.phrasings().size();
        long heldOutPhrasings = LabelledConversations.phrasings().stream().filter(p -> p.heldOut()).count();
        out.append("## The set\n\n");
        out.append(String.format(Locale.ROOT, "Seed %d: %d conversations generated by `LabelledConversations` (%d "
                + "English, %d Vietnamese), 2 to 30 messages each (customer and bot turns; half of them 2 to 6, a "
                + "fifth 15 to 30), %d that need attention. Their customer phrasings (%d, of which %d held out) "
                + "were written as customers say things, independently of the analyzer's word lists; some "
                + "Vietnamese is typed without diacritics and some text all in lower case.%n%n", seed, all.size(),
                english, all.size() - english, attention, phrasings, heldOutPhrasings));
        out.append("The truth: needs attention, critical (fraud or account takeover, a data leak, a legal threat), ")
                .append("high (money taken twice or a refund not paid, the service down for the customer, an ")
                .append("abusive or furious customer, a threat to cancel), medium (asks for a human or a manager, ")
                .append("a problem still unresolved); or not, low (minor friction, already resolved) or none ")
                .append("(order status, how-to questions, greetings, thanks, small talk, product information, and ")
                .append("hard negatives that use the same words harmlessly: \"how do I request a copy of your ")
                .append("refund policy document?\", \"thanks, the refund arrived this morning!\").\n\n");
        out.append("The phrasings are split into two halves by phrasing, alternately within each topic and ")
                .append("language; a conversation takes all its topical phrasings from one half. The analyzer's ")
                .append("word lists may be tuned on the tuning half only; **held-out** figures are the honest ")
                .append("ones.\n\n");
        out.append("| part | conversations | critical | high | medium | low | none (hard negatives) |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        List<String> names = List.of("held-out", "tuning", "all");
        List<List<Judged>> parts = List.of(heldOut, tuning, all);
        for (int i = 0; i < parts.size(); i++) {
            List<Judged> judged = parts.get(i);
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d (%d) |%n", names.get(i),
                    judged.size(), count(judged, Severity.CRITICAL), count(judged, Severity.HIGH),
                    count(judged, Severity.MEDIUM), count(judged, Severity.LOW), count(judged, Severity.NONE),
                    judged.stream().filter(j -> j.conversation().topic() == Topic.HARD_NEGATIVE).count()));
        }
        out.append('\n');
    }

    private static long count(List<Judged> part, Severity truth) {
        return part.stream().filter(j -> j.conversation().truth() == truth).count();
    }

    private static void appendTokensMethod(StringBuilder out, List<Judged> all) {
        double prompt = all.stream().mapToInt(Judged::promptTokens).average().orElse(0);
        double completion = all.stream().mapToInt(Judged::completionTokens).average().orElse(0);
        int system = TokenCount.forModel(MODEL).of(AnalysisPrompt.SYSTEM);
        out.append("## How tokens are counted\n\n");
        out.append(String.format(Locale.ROOT, "Each conversation is formatted as the worker does "
                + "(`ConversationFormatter` with the defaults 12,000 and 4,000 characters), put in "
                + "`AnalysisPrompt.of`, and its prompt counted with `TokenCount.forModel(\"%s\")"
                + ".chatPromptTokens(system, user)` (o200k_base; the system message alone is %d tokens). The "
                + "completion is estimated as the tokens of the offline result serialised as the JSON answer the "
                + "LLM is asked for (the same fields); an LLM's summary and questions may be somewhat longer. On "
                + "average a conversation costs %.0f prompt and %.0f completion tokens. Tokens are counted, not "
                + "priced: a provider's prompt cache bills the repeated system message at a fraction, so the "
                + "money saved is a little less than the tokens saved. The share saved depends on the mix: here "
                + "%.0f %% of the conversations need attention.%n%n", MODEL, system, prompt, completion,
                100.0 * all.stream().filter(j -> j.conversation().needsAttention()).count() / all.size()));
    }

    private static void appendThreshold(StringBuilder out, Severity threshold, List<Judged> all,
            List<Judged> heldOut, List<Judged> tuning) {
        out.append("## Threshold `").append(threshold.wireName()).append('`')
                .append(threshold == Severity.HIGH ? " (the default)" : "").append("\n\n");
        out.append("Kept: sent to the LLM (offline severity at least `").append(threshold.wireName())
                .append("`), out of the conversations of that truth.\n\n");
        out.append("| part | critical kept | high kept | medium kept | all attention kept | low sent | none sent ")
                .append("(hard negatives sent) | tokens sent | tokens if all sent | saved |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        appendRow(out, "**held-out**", figures(heldOut, threshold));
        appendRow(out, "tuning", figures(tuning, threshold));
        appendRow(out, "all", figures(all, threshold));
        out.append('\n');
    }

    private static void appendRow(StringBuilder out, String part, Figures f) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s (%s) | %,d | %,d | %.1f %% |%n",
                part, f.critical(), f.high(), f.medium(), f.attention(), f.low(), f.none(), f.hardNegatives(),
                f.tokensSent(), f.tokensAll(), 100 * f.saved()));
    }

    private static void appendOtherSeeds(StringBuilder out, Map<Long, List<Judged>> others) {
        out.append("## Other seeds (held-out)\n\n| seed | critical and high kept at `high` | not attention sent ")
                .append("at `high` | saved at `high` | all attention kept at `medium` | saved at `medium` |\n")
                .append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        others.forEach((seed, part) -> {
            Figures atHigh = figures(part, Severity.HIGH);
            Figures atMedium = figures(part, Severity.MEDIUM);
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %.1f %% | %s | %.1f %% |%n", seed,
                    atHigh.criticalAndHigh(), atHigh.notAttention(), 100 * atHigh.saved(), atMedium.attention(),
                    100 * atMedium.saved()));
        });
        out.append('\n');
    }

    private static void appendLanguages(StringBuilder out, List<Judged> heldOut) {
        out.append("## By language (held-out, threshold `high`)\n\n| language | critical and high kept | ")
                .append("medium kept | not attention sent | saved |\n| --- | ---: | ---: | ---: | ---: |\n");
        for (String language : List.of("en", "vi")) {
            Figures f = figures(heldOut.stream().filter(j -> j.conversation().language().equals(language))
                    .toList(), Severity.HIGH);
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f %% |%n", language,
                    f.criticalAndHigh(), f.medium(), f.notAttention(), 100 * f.saved()));
        }
        out.append('\n');
    }

    /**
     * Informative, not what triage does: also sending what the offline analyzer finds negative or mixed (its
     * sentiment lexicon is separate from the alarm phrases, and was not tuned).
     */
    private static void appendWiderNet(StringBuilder out, List<Judged> heldOut) {
        Predicate<Judged> wider = j -> j.flagged(Severity.MEDIUM) || j.offline().sentiment().equals("negative")
                || j.offline().sentiment().equals("mixed");
        long sent = heldOut.stream().filter(wider).mapToLong(Judged::tokens).sum();
        long all = heldOut.stream().mapToLong(Judged::tokens).sum();
        out.append("## A wider net (informative, not what triage does)\n\n");
        out.append("Held-out, sending also what the offline analyzer finds negative or mixed (its sentiment ")
                .append("lexicon was not tuned):\n\n| critical kept | high kept | medium kept | all attention kept ")
                .append("| not attention sent | saved |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f %% |%n%n",
                share(heldOut, wider, j -> j.conversation().truth() == Severity.CRITICAL),
                share(heldOut, wider, j -> j.conversation().truth() == Severity.HIGH),
                share(heldOut, wider, j -> j.conversation().truth() == Severity.MEDIUM),
                share(heldOut, wider, j -> j.conversation().needsAttention()),
                share(heldOut, wider, j -> !j.conversation().needsAttention()), 100 - 100.0 * sent / all));
    }

    private static void appendTopics(StringBuilder out, List<Judged> heldOut) {
        out.append("## By topic (held-out)\n\n| topic | truth | conversations | sent at `high` | sent at `medium` |\n")
                .append("| --- | --- | ---: | ---: | ---: |\n");
        for (Topic topic : Topic.values()) {
            List<Judged> ofTopic = heldOut.stream().filter(j -> j.conversation().topic() == topic).toList();
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s |%n",
                    topic.name().toLowerCase(Locale.ROOT), topic.truth.wireName(), ofTopic.size(),
                    share(ofTopic, j -> j.flagged(Severity.HIGH), j -> true),
                    share(ofTopic, j -> j.flagged(Severity.MEDIUM), j -> true)));
        }
        out.append('\n');
    }

    /** The phrasings behind misses and false alarms at the default threshold: how often each was. */
    private static void appendExamples(StringBuilder out, List<Judged> heldOut) {
        Map<Phrasing, int[]> missed = new TreeMap<>(Comparator.comparing(Phrasing::id));
        Map<Phrasing, int[]> alarms = new TreeMap<>(Comparator.comparing(Phrasing::id));
        for (Judged j : heldOut) {
            Labelled c = j.conversation();
            boolean flagged = j.flagged(Severity.HIGH);
            if (c.truth().atLeast(Severity.HIGH)) {
                int[] counts = missed.computeIfAbsent(c.phrasing(), p -> new int[2]);
                counts[0] += flagged ? 0 : 1;
                counts[1]++;
            } else if (!c.needsAttention()) {
                int[] counts = alarms.computeIfAbsent(c.phrasing(), p -> new int[2]);
                counts[0] += flagged ? 1 : 0;
                counts[1]++;
            }
        }
        out.append("## Held-out phrasings missed at `high` (critical and high truth)\n\n");
        out.append("Conversations whose main phrasing it is: missed / all. Vietnamese is sometimes typed without ")
                .append("its diacritics and text sometimes in lower case, which the phrasing below does not show.")
                .append("\n\n");
        appendCounts(out, missed, "missed");
        out.append("\n## Held-out phrasings sent at `high` that need no attention\n\n");
        appendCounts(out, alarms, "sent");
    }

    private static void appendCounts(StringBuilder out, Map<Phrasing, int[]> counts, String what) {
        boolean any = false;
        for (Map.Entry<Phrasing, int[]> entry : counts.entrySet()) {
            if (entry.getValue()[0] > 0) {
                Phrasing p = entry.getKey();
                out.append(String.format(Locale.ROOT, "- %s %d / %d, %s (%s): %s%n", what, entry.getValue()[0],
                        entry.getValue()[1], p.id(), p.topic().truth.wireName(), p.text().replace("|", "\\|")));
                any = true;
            }
        }
        out.append(any ? "" : "None.\n");
    }
}
