package dev.conversationworker.notification;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import dev.conversationworker.googlechat.ChatCard;
import dev.conversationworker.googlechat.ChatMessage;
import dev.conversationworker.googlechat.GoogleChat;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.ops.MetricLabels.NotificationKind;
import dev.conversationworker.support.SafeTruncation;

/**
 * Builds Google Chat messages ({@code cardsV2} plus a plain {@code text} fallback, threaded per conversation) from
 * analyses. Every customer-provided string passes {@link TextNeutralizer}; the result keeps within
 * {@link GoogleChat}'s limits. Pure.
 */
public final class GoogleChatMessages {

    private final int maxSnippetChars;
    private final int maxQuestions;

    public GoogleChatMessages(int maxSnippetChars, int maxQuestions) {
        this.maxSnippetChars = maxSnippetChars;
        this.maxQuestions = maxQuestions;
    }

    /** A conversation that needs a human. */
    public Notification attention(AnalysisRecord analysis) {
        AnalysisResult result = analysis.result();
        String severity = result.severity().wireName();
        List<String> questions = result.userQuestions().stream().limit(maxQuestions).toList();
        String conversation = TextNeutralizer.forText(analysis.conversationId(), 200);

        StringBuilder text = new StringBuilder()
                .append(icon(severity)).append(" *").append(severity.toUpperCase()).append("*: conversation ")
                .append(conversation).append(" needs attention\n")
                .append("Intent: ").append(intentLabel(result.intent()))
                .append(" · Sentiment: ").append(result.sentiment())
                .append("\nSummary: ").append(TextNeutralizer.forText(result.summary(), maxSnippetChars));
        questions.forEach(q -> text.append("\n• ").append(TextNeutralizer.forText(q, maxSnippetChars)));

        ChatCard card = new ChatCard(severity.toUpperCase() + ": conversation needs attention",
                "Conversation " + TextNeutralizer.forCard(analysis.conversationId(), 200));
        card.section().decoratedText("Severity", severity).decoratedText("Intent", intentLabel(result.intent()))
                .decoratedText("Sentiment", result.sentiment())
                .paragraph("<b>Summary</b><br>" + TextNeutralizer.forCard(result.summary(), maxSnippetChars));
        if (!questions.isEmpty()) {
            StringBuilder list = new StringBuilder();
            questions.forEach(q -> list.append(list.isEmpty() ? "" : "<br>").append("• ")
                    .append(TextNeutralizer.forCard(q, maxSnippetChars)));
            card.section("User questions").paragraph(list.toString());
        }
        return new Notification(analysis.conversationId(), NotificationKind.ATTENTION.value(), severity,
                analysis.analysisId(),
                body(text, "attention-" + analysis.analysisId(), card, threadKey(analysis.conversationId())));
    }

    /** An analysis that got no valid answer from any LLM: operational trouble, not the customer's. */
    public Notification analysisFailed(AnalysisRecord analysis) {
        String conversation = TextNeutralizer.forText(analysis.conversationId(), 200);
        String error = TextNeutralizer.forText(analysis.error(), maxSnippetChars);
        StringBuilder text = new StringBuilder("⚠️ *Analysis failed* for conversation ").append(conversation)
                .append(" (trigger ").append(TextNeutralizer.forText(analysis.triggerEventId(), 200))
                .append("): ").append(error);
        ChatCard card = new ChatCard("Analysis failed", "Conversation "
                + TextNeutralizer.forCard(analysis.conversationId(), 200));
        card.section().decoratedText("Trigger", TextNeutralizer.forCard(analysis.triggerEventId(), 200))
                .paragraph("<b>Error</b><br>" + TextNeutralizer.escapeHtml(error));
        return new Notification(analysis.conversationId(), NotificationKind.OPERATIONAL.value(), "high",
                "analysis-failed:" + analysis.analysisId(),
                body(text, "analysis-failed-" + analysis.analysisId(), card, threadKey(analysis.conversationId())));
    }

    /** Analyses keep failing (both LLMs down, usually): one message for the rest of the window, not one each. */
    public Notification analysesFailing(int count, Duration window, Instant windowStart, String lastError) {
        String error = TextNeutralizer.forText(lastError, maxSnippetChars);
        return aboutTheWorker("analyses-failing", "critical", "analyses-failing:" + windowStart,
                "🚨 *Analyses are failing*: " + count + " within " + window.toMinutes() + " min; further failures in "
                        + "this window are not notified one by one (see cw_analyses_total{status=\"failed\"}). "
                        + "Last error: " + error,
                "Analyses are failing", count + " within " + window.toMinutes() + " min",
                "<b>Last error</b><br>" + TextNeutralizer.escapeHtml(error));
    }

    /** No LLM could be reached: analyses wait for one. Sent once per window, however many wait. */
    public Notification analysesWaiting(String lastError, Duration maxWait, Instant windowStart) {
        String error = TextNeutralizer.forText(lastError, maxSnippetChars);
        return aboutTheWorker("analyses-waiting", "critical", "analyses-waiting:" + windowStart,
                "🚨 *No LLM can be reached*: analyses are waiting. They are tried again and published when an LLM "
                        + "answers, or as failed after " + readable(maxWait) + " (see cw_analyses_waiting). "
                        + "Last error: " + error,
                "No LLM can be reached", "Analyses wait up to " + readable(maxWait),
                "<b>Last error</b><br>" + TextNeutralizer.escapeHtml(error));
    }

    /** The waiting room is empty again: what waited has been published (answered, or failed after the wait). */
    public Notification analysesNoLongerWaiting(Instant at) {
        return aboutTheWorker("analyses-waiting", "none", "analyses-waiting-over:" + at.truncatedTo(ChronoUnit.MINUTES),
                "✅ *No analysis is waiting for an LLM any more*: everything that waited has been published.",
                "No analysis waiting any more", "The LLM answers again", "Everything that waited has been published.");
    }

    /**
     * The fleet's LLM budget is spent: told once for all instances (the one that found it spent first), with what
     * analyses get meanwhile.
     */
    public Notification llmBudgetSpent(long tokensPerHour, String whenSpent, Instant at) {
        String meanwhile = switch (whenSpent) {
            case "wait" -> "Analyses wait for it (up to analysis.max-wait), then are published as failed.";
            case "triage" -> "Only conversations the offline analyzer finds serious were going to the LLM; now the "
                    + "offline analyzer answers them too.";
            default -> "The offline analyzer answers meanwhile (status degraded, offlineReason budget-spent).";
        };
        return aboutTheWorker("llm-budget", "high", "llm-budget-spent:" + at.truncatedTo(ChronoUnit.SECONDS),
                "💸 *The LLM budget is spent*: " + tokensPerHour + " tokens per hour for all instances "
                        + "(llm.budget.tokens-per-hour). " + meanwhile,
                "The LLM budget is spent", tokensPerHour + " tokens per hour", meanwhile);
    }

    /** The fleet's LLM budget has room again: told once, in the same Chat thread. */
    public Notification llmBudgetFreeAgain(long tokensPerHour, long remaining, Instant at) {
        return aboutTheWorker("llm-budget", "none", "llm-budget-free:" + at.truncatedTo(ChronoUnit.SECONDS),
                "✅ *The LLM budget has room again*: " + remaining + " of " + tokensPerHour
                        + " tokens per hour left; the LLM is asked again.",
                "The LLM budget has room again", remaining + " of " + tokensPerHour + " tokens left",
                "The LLM is asked again.");
    }

    /** Many records dead-lettered in a short time: usually an upstream service sending off-contract events. */
    public Notification deadLettersPilingUp(int count, Duration window, Instant windowStart, String lastReason) {
        String reason = TextNeutralizer.forText(lastReason, maxSnippetChars);
        return aboutTheWorker("dead-letters", "high", "dead-letters:" + windowStart,
                "⚠️ *" + count + " events dead-lettered* within " + window.toMinutes()
                        + " min (topic chat-events-dlq). Last reason: " + reason,
                "Dead letters piling up", count + " within " + window.toMinutes() + " min",
                "<b>Last reason</b><br>" + TextNeutralizer.escapeHtml(reason));
    }

    /** An LLM endpoint refuses to work until someone acts. The reason is ours (status and cause), never a key. */
    public Notification llmNeedsOperator(String endpoint, String model, String reason, Instant at) {
        String safeReason = TextNeutralizer.forText(reason, maxSnippetChars);
        return aboutTheWorker("llm-" + endpoint, "critical", "llm-needs-operator:" + endpoint + ":" + at,
                "🚨 *LLM " + endpoint + " needs an operator* (model " + TextNeutralizer.forText(model, 100) + "): "
                        + safeReason + ". Analyses go to the fallback, or are published as failed.",
                "LLM " + endpoint + " needs an operator", TextNeutralizer.forCard(model, 100),
                TextNeutralizer.escapeHtml(safeReason));
    }

    private static String readable(Duration duration) {
        return duration.toSeconds() < 120 ? duration.toSeconds() + " s" : duration.toMinutes() + " min";
    }

    /** Trouble of the worker itself, not of a conversation: one Chat thread per kind of trouble. */
    private static Notification aboutTheWorker(String topic, String severity, String dedupeKey, String text,
            String title, String subtitle, String detailHtml) {
        ChatCard card = new ChatCard(title, subtitle);
        card.section().paragraph(detailHtml);
        return new Notification("conversation-worker", NotificationKind.OPERATIONAL.value(), severity, dedupeKey,
                body(new StringBuilder(text), topic, card, "worker-" + topic));
    }

    /** Within Google's limits: the text cut short; if the whole is still too large, the text alone says it all. */
    private static String body(StringBuilder text, String cardId, ChatCard card, String threadKey) {
        ChatMessage message = new ChatMessage(SafeTruncation.withEllipsis(text.toString(), GoogleChat.MAX_TEXT_CHARS),
                cardId, card, threadKey);
        // Too large only with unusual limits configured.
        return message.fits() ? message.json() : message.withoutCard().json();
    }

    /** One Chat thread per conversation; a name-based UUID keeps customer text out of the key. */
    static String threadKey(String conversationId) {
        return "conversation-" + UUID.nameUUIDFromBytes(conversationId.getBytes(StandardCharsets.UTF_8));
    }

    /** An intent is a label ({@code account_access}): shown as words, with nothing but letters and digits. */
    static String intentLabel(String intent) {
        String words = intent.replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
        return words.isEmpty() ? "unknown" : SafeTruncation.withEllipsis(words, 60);
    }

    private static String icon(String severity) {
        return "critical".equals(severity) ? "🚨" : "high".equals(severity) ? "🔴" : "🟠";
    }
}
