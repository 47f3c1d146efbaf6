package dev.conversationworker.model;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What became of the personal data in a conversation before it was analysed: the {@code pseudonymisation} object
 * of the analysis record.
 *
 * @param status {@code applied}, {@code off} (the operator turned it off), or {@code failed} (nothing was sent to
 *        an LLM; the offline analyzer answered without quoting the customer)
 * @param replaced distinct values replaced, by kind ({@code email}, {@code phone}, …); kinds with none are left out
 * @param restored whether the record's texts carry the original values again ({@code pseudonymise.restore-in-analysis})
 */
public record Pseudonymisation(Status status, Map<String, Integer> replaced, boolean restored) {

    public enum Status {

        APPLIED("applied"), OFF("off"), FAILED("failed");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }
    }

    public static final Pseudonymisation OFF = new Pseudonymisation(Status.OFF, Map.of(), false);
    public static final Pseudonymisation FAILED = new Pseudonymisation(Status.FAILED, Map.of(), false);

    public static Pseudonymisation applied(Map<String, Integer> replaced) {
        return new Pseudonymisation(Status.APPLIED, Map.copyOf(replaced), false);
    }

    public Pseudonymisation asRestored() {
        return new Pseudonymisation(status, replaced, true);
    }

    public boolean failed() {
        return status == Status.FAILED;
    }
}
