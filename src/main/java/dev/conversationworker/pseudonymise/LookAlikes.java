package dev.conversationworker.pseudonymise;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Customer text that looks like what the pseudonymiser writes. A customer typing {@code <EMAIL_1>} must not alias a
 * real value, for the model nor for {@link Pseudonyms#restore}: its angle brackets become {@code ‹ ›}, which a model
 * still reads, which nothing restores. A typed token ({@code ⟦EMAIL:0123456789ab⟧}) loses its brackets the same way.
 */
final class LookAlikes {

    /**
     * Any {@code <WORD_7>}, whatever the word and spacing: this code writes only some, a model reads all alike. The
     * bounds keep the search linear on hostile input ({@code <} followed by thousands of underscores).
     */
    private static final Pattern PLACEHOLDER = Pattern
            .compile("<(\\s{0,3}\\p{L}[\\p{L}_]{0,40}\\s{0,3}_\\s{0,3}\\d{1,9}\\s{0,3})>");

    private LookAlikes() {
    }

    static String neutralisePlaceholders(String text) {
        if (text.indexOf('<') < 0) {
            return text;
        }
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement("‹" + matcher.group(1) + "›"));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Both: the brackets of tokens ({@code ⟦ ⟧} to {@code 〚 〛}) and placeholders. */
    static String neutraliseTokensAndPlaceholders(String text) {
        return neutralisePlaceholders(text.replace('⟦', '〚').replace('⟧', '〛'));
    }
}
