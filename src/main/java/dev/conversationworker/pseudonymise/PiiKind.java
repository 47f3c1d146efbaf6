package dev.conversationworker.pseudonymise;

/** STUB (replaced by the pii-core branch). */
public enum PiiKind {

    EMAIL, PHONE, CARD, IBAN, IP_ADDRESS, SSN, CITIZEN_ID, NAME;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String label() {
        return this == IP_ADDRESS ? "IP" : name();
    }
}
