package dev.conversationworker.pseudonymise;

/** A personal value found in a text: its kind, where it is ({@code start} inclusive, {@code end} exclusive) and the
 * canonical form under which it is numbered. */
record Finding(PiiKind kind, int start, int end, String canonical) {

    int length() {
        return end - start;
    }

    boolean overlaps(Finding other) {
        return start < other.end && other.start < end;
    }
}
