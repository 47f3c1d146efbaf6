package dev.conversationworker.pseudonymise;

import java.util.Locale;

/** The kinds of personal data the pseudonymiser replaces. */
public enum PiiKind {

    EMAIL("EMAIL", 0), PHONE("PHONE", 6), CARD("CARD", 2), IBAN("IBAN", 1), IP_ADDRESS("IP", 3), SSN("SSN",
            4), CITIZEN_ID("CITIZEN_ID", 5), NAME("NAME", 7);

    private final String label;
    private final int precedence;

    PiiKind(String label, int precedence) {
        this.label = label;
        this.precedence = precedence;
    }

    /** The name in JSON ({@code "ip_address"}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name in placeholders and tokens ({@code <IP_1>}): short, as a model reads it. */
    public String label() {
        return label;
    }

    /**
     * Which kind wins when two findings share characters, lowest first: EMAIL, IBAN, CARD, IP_ADDRESS, SSN,
     * CITIZEN_ID, PHONE, NAME. The more specific check wins: an IBAN's digit groups are not a phone number, the digits
     * of an e-mail address are not a card, a number introduced as a CCCD is not a phone.
     */
    int precedence() {
        return precedence;
    }

    /** The kind whose {@link #label()} this is, or null. */
    static PiiKind ofLabel(String label) {
        for (PiiKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        return null;
    }
}
