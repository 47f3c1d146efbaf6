package dev.conversationworker.pseudonymise;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** STUB (replaced by the pii-core branch). */
public class Pseudonymiser {

    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");

    public Pseudonymiser() {
    }

    public Pseudonymiser(java.util.List<String> regions) {
    }

    public String pseudonymise(String text, Pseudonyms pseudonyms) {
        Matcher m = EMAIL.matcher(text.replace("<", "‹").replace(">", "›"));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(pseudonyms.placeholder(PiiKind.EMAIL, m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    public String tokenise(String text, byte[] key) {
        Matcher m = EMAIL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, "⟦EMAIL:" + Integer.toHexString(m.group().hashCode()) + "⟧");
        }
        m.appendTail(out);
        return out.toString();
    }

    public String pseudonymiseTokenised(String storedText, Pseudonyms pseudonyms) {
        Matcher m = Pattern.compile("⟦EMAIL:([0-9a-f]+)⟧").matcher(storedText);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out,
                    Matcher.quoteReplacement(pseudonyms.placeholder(PiiKind.EMAIL, "token:" + m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }
}
