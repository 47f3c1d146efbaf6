package dev.conversationworker.notification;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.conversationworker.model.Severity;

/** When on-call engineers are told, and how the message looks. */
@ConfigMapping(prefix = "notify")
public interface NotifyConfig {

    /** Lowest severity of an analysis that needs attention to be notified. */
    @WithDefault("high")
    Severity minSeverity();

    /** Notify when an analysis failed (no valid answer from any LLM). */
    @WithDefault("true")
    boolean onFailedAnalysis();

    /** Longest customer-provided snippet (summary, question) in a notification, in characters. */
    @WithDefault("500")
    int maxSnippetChars();

    /** Failed analyses within {@code failed-analysis-window} notified one by one; the next one sends a single
     * "analyses are failing" summary, and the rest of the window stays quiet (no flood in an LLM outage). */
    @WithDefault("3")
    int failedAnalysisBurst();

    @WithDefault("5m")
    Duration failedAnalysisWindow();

    /** Dead letters within {@code dead-letter-window} that make one operational notification. */
    @WithDefault("20")
    int deadLetterThreshold();

    @WithDefault("5m")
    Duration deadLetterWindow();

    /** At most one attention notification per conversation in this window, for all instances together (a Redis key
     * per conversation); later ones are suppressed and counted in {@code cw_notifications_suppressed_total}, so one
     * customer cannot page on-call at will. Failed-analysis notifications are not limited by it. */
    @WithDefault("30m")
    Duration attentionWindow();

    /** Most user questions listed in a notification. */
    @WithDefault("5")
    int maxQuestions();
}
