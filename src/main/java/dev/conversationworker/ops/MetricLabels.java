package dev.conversationworker.ops;

import java.util.List;

import dev.conversationworker.model.AnalysisStatus;
import dev.conversationworker.model.Provider;

/**
 * The values the labels of the worker's metrics take. {@link WorkerMetrics} starts a series at 0 for each, and the
 * code counts through these constants, so that the series an alert reads exist before their first increment.
 */
public final class MetricLabels {

    /** {@code type} of {@code cw_events_in_total} for a record that is not a valid event. */
    public static final String INVALID_EVENT = "invalid";

    /**
     * The ({@code status}, {@code provider}) pairs of {@code cw_analyses_total}: those {@code AnalysisOutcome} makes
     * (an empty history is {@code ok} by {@code none}).
     */
    public static final List<AnalysisLabels> ANALYSES = List.of(
            new AnalysisLabels(AnalysisStatus.OK, Provider.PRIMARY),
            new AnalysisLabels(AnalysisStatus.DEGRADED, Provider.FALLBACK),
            new AnalysisLabels(AnalysisStatus.DEGRADED, Provider.OFFLINE),
            new AnalysisLabels(AnalysisStatus.FAILED, Provider.NONE),
            new AnalysisLabels(AnalysisStatus.OK, Provider.NONE));

    /** The labels of one series of {@code cw_analyses_total}. */
    public record AnalysisLabels(AnalysisStatus status, Provider provider) {
    }

    private MetricLabels() {
    }

    /** {@code reason} of {@code cw_dead_letters_total}. */
    public enum DeadLetterReason {

        INVALID("invalid"), PROCESSING_FAILED("processing-failed"), UNWRITABLE("unwritable");

        private final String value;

        DeadLetterReason(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** {@code outcome} of {@code cw_llm_latency_seconds}. */
    public enum LlmOutcome {

        OK("ok"), INVALID("invalid"), UNAVAILABLE("unavailable"), REJECTED("rejected"), ERROR("error"), CANCELLED(
                "cancelled");

        private final String value;

        LlmOutcome(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** {@code stage} of {@code cw_transient_retries_total}: the step retried, also the name of its span. */
    public enum Stage {

        PARSE("parse"), HISTORY_APPEND("history-append"), IDLE_DISARM("idle-disarm"), WAITING_CHECK(
                "waiting-check"), HISTORY_READ(
                        "history-read"), PUBLISHED_CHECK("published-check"), CLAIM_CHECK("claim-check"), FORMAT(
                                "format"), PSEUDONYM_NUMBERS("pseudonym-numbers"), WAIT_PARK(
                                        "wait-park"), WAIT_RESCHEDULE("wait-reschedule"), WAIT_DONE(
                                                "wait-done"), PUBLISH_ANALYSIS(
                                                        "publish-analysis"), PUBLISH_NOTIFICATION(
                                                                "publish-notification"), MARK_PUBLISHED(
                                                                        "mark-published"), DEAD_LETTER("dead-letter");

        private final String value;

        Stage(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /**
     * {@code where} of {@code cw_pseudonymise_failures_total}: personal data could not be replaced before an
     * analysis (it went to the offline analyzer instead of an LLM) or before a message was stored (its text withheld).
     */
    public enum PseudonymiseFailure {

        ANALYSIS("analysis"), HISTORY("history");

        private final String value;

        PseudonymiseFailure(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** {@code reason} of {@code cw_analyses_skipped_total}: why a trigger was not analysed again. */
    public enum SkipReason {

        ALREADY_PUBLISHED("already-published"), WAITING("waiting"), HISTORY_EXPIRED("history-expired"),
        /** An idle analysis whose claim another instance holds, or that was handed back at shutdown. */
        CLAIM_LOST("claim-lost");

        private final String value;

        SkipReason(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** {@code event} of {@code cw_analyses_waits_total}, in the life of an analysis waiting for an LLM. */
    public enum WaitEvent {

        /** Parked. */
        WAITING("waiting"), ALREADY_WAITING("already-waiting"),
        /** Not parked: too many wait. */
        FULL("full"), RETRY("retry"),
        /** Answered. */
        RESUMED("resumed"),
        /** Published as failed after {@code analysis.max-wait}. */
        EXPIRED("expired"),
        /** Failed unexpectedly too often. */
        GIVEN_UP("given-up");

        private final String value;

        WaitEvent(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** {@code kind} of {@code cw_notifications_total}, also the {@code kind} header of the notification. */
    public enum NotificationKind {

        /** About a conversation that needs a human. */
        ATTENTION("attention"),
        /** About the worker itself (failed analyses, an LLM outage, dead letters). */
        OPERATIONAL("operational");

        private final String value;

        NotificationKind(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** {@code reason} of {@code cw_notifications_suppressed_total}. */
    public enum SuppressReason {

        /** The conversation paged already within {@code notify.attention-window}. */
        ATTENTION_WINDOW("attention-window");

        private final String value;

        SuppressReason(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }
}
