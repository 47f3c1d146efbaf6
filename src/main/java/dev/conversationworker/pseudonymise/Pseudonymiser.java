package dev.conversationworker.pseudonymise;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;

import dev.conversationworker.support.PromptText;

/**
 * Replaces the personal data in customer text before it goes to an LLM: e-mail addresses, phone numbers, payment
 * cards, IBANs, IP addresses, US SSNs, Vietnamese citizen ids and names people introduce themselves with (see each
 * {@code *Finder} for what counts). Order numbers, amounts, dates, versions, SKUs, tracking and ticket numbers are
 * kept: the analysis needs them.
 *
 * <p>
 * Overlaps are settled by a fixed rule: a finding of a kind earlier in the precedence EMAIL, IBAN, CARD, IP_ADDRESS,
 * SSN, CITIZEN_ID, PHONE, NAME wins over any finding of a later kind that shares a character with it (an IBAN's digit
 * groups are not a phone number, the digits of an e-mail address are not a card); between findings of one kind, the
 * longer wins, then the earlier.
 *
 * <p>
 * Thread-safe; one instance per application. Not final so that a test can make it fail and check that nothing raw
 * leaves the worker then.
 */
public class Pseudonymiser {

    /** English-speaking countries and Vietnam, in the order a national number is tried against them. */
    public static final List<String> DEFAULT_PHONE_REGIONS = List.of("US", "GB", "CA", "AU", "NZ", "IE", "IN", "SG",
            "PH", "VN");

    private static final Comparator<Finding> SETTLING_ORDER = Comparator
            .comparingInt((Finding f) -> f.kind().precedence()).thenComparing(Comparator.comparingInt(Finding::length)
                    .reversed())
            .thenComparingInt(Finding::start);

    private final List<Finder> finders;

    public Pseudonymiser() {
        this(DEFAULT_PHONE_REGIONS);
    }

    /** @param phoneRegions ISO 3166 codes of the regions whose national phone formats are recognised, in order */
    public Pseudonymiser(List<String> phoneRegions) {
        if (phoneRegions == null || phoneRegions.isEmpty()) {
            throw new IllegalArgumentException("phoneRegions: at least one region is needed");
        }
        finders = List.of(new EmailFinder(), new IbanFinder(), new CardFinder(), new IpAddressFinder(),
                new SsnFinder(), new CitizenIdFinder(), new PhoneFinder(phoneRegions), new NameFinder());
    }

    /**
     * The personal values in {@code text} replaced by placeholders of {@code pseudonyms} ({@code <EMAIL_1>}). The text
     * is made prompt-safe first ({@link PromptText#inline}), so that an invisible character inside a value cannot
     * hide it from the search and reveal it once stripped later; the result is therefore one line, as
     * {@code PromptText.inline} makes it. Customer text that looks like a placeholder is neutralised
     * ({@code ‹EMAIL_1›}) so that it can never alias a real value.
     */
    public String pseudonymise(String text, Pseudonyms pseudonyms) {
        String safe = LookAlikes.neutralisePlaceholders(PromptText.inline(text));
        List<Finding> findings = detect(safe, pseudonyms.names());
        return replace(safe, findings,
                f -> pseudonyms.placeholder(f.kind(), f.canonical(), safe.substring(f.start(), f.end())));
    }

    /**
     * For a history stored already pseudonymised: each personal value becomes a keyed-hash token
     * ({@code ⟦EMAIL:0123456789ab⟧}, see {@link KeyedTokens}), the same for the same value in every message and on
     * every instance sharing {@code key}; no raw value remains. Customer text that looks like a token or a
     * placeholder is neutralised first.
     */
    public String tokenise(String text, byte[] key) {
        KeyedTokens tokens = new KeyedTokens(key);
        String safe = LookAlikes.neutraliseTokensAndPlaceholders(PromptText.inline(text));
        return replace(safe, detect(safe, List.of()), f -> tokens.token(f.kind(), f.canonical()));
    }

    /**
     * A text written by {@link #tokenise}: its tokens become placeholders of {@code pseudonyms} (one per token, whose
     * canonical value is {@code token:<hex>}); nothing else is searched again, since it was when stored. Look-alike
     * placeholders are neutralised.
     */
    public String pseudonymiseTokenised(String storedText, Pseudonyms pseudonyms) {
        String safe = LookAlikes.neutralisePlaceholders(PromptText.inline(storedText));
        Matcher matcher = KeyedTokens.TOKEN.matcher(safe);
        StringBuilder out = new StringBuilder(safe.length());
        while (matcher.find()) {
            PiiKind kind = PiiKind.ofLabel(matcher.group(1));
            String replacement = kind == null
                    ? matcher.group()
                    : pseudonyms.placeholder(kind, "token:" + matcher.group(2), matcher.group());
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /**
     * What {@link #pseudonymise} replaces in a prompt-safe text, overlaps settled, in text order; {@code knownNames}
     * are names found earlier in the conversation, replaced wherever they are mentioned again.
     */
    List<Finding> detect(String safeText, List<String> knownNames) {
        List<Finding> candidates = new ArrayList<>();
        for (Finder finder : finders) {
            finder.find(safeText, candidates);
        }
        List<String> names = new ArrayList<>(knownNames);
        for (Finding finding : candidates) {
            if (finding.kind() == PiiKind.NAME) {
                names.add(safeText.substring(finding.start(), finding.end()));
            }
        }
        if (!names.isEmpty()) {
            NameFinder.findKnown(safeText, names, candidates);
        }
        candidates.sort(SETTLING_ORDER);
        // Kept findings never overlap, so the one starting last before a candidate's end is the only one to check.
        TreeMap<Integer, Finding> kept = new TreeMap<>();
        for (Finding candidate : candidates) {
            Map.Entry<Integer, Finding> before = kept.lowerEntry(candidate.end());
            if (before == null || !before.getValue().overlaps(candidate)) {
                kept.put(candidate.start(), candidate);
            }
        }
        return new ArrayList<>(kept.values());
    }

    private static String replace(String text, List<Finding> findings, Function<Finding, String> replacement) {
        if (findings.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16 * findings.size());
        int at = 0;
        for (Finding finding : findings) {
            out.append(text, at, finding.start()).append(replacement.apply(finding));
            at = finding.end();
        }
        return out.append(text, at, text.length()).toString();
    }
}
