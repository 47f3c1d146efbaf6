package dev.conversationworker.pseudonymise;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;

/**
 * Phone numbers in international and national formats, found and validated by Google's libphonenumber
 * ({@link PhoneNumberUtil#findNumbers} with {@link Leniency#VALID}: a number must be assigned in its region's plan,
 * not merely have a possible length) and numbered in E.164, so {@code +84 912 345 678} and {@code 0912 345 678} are
 * one number.
 *
 * <p>
 * {@code findNumbers} scans the whole text once per region, the expensive part. It runs only on short windows that
 * hold at least seven digits and phone punctuation, once for numbers written with {@code +} and then per region, in
 * the configured order, until every digit of the window belongs to a number. A number introduced as an order,
 * ticket, tracking number, SKU... ("đơn hàng 5512003412") is kept, as are numbers glued to an identifier, amounts,
 * dates and times.
 */
final class PhoneFinder implements Finder {

    /** Digits with the punctuation people put in phone numbers, from a digit, {@code +} or {@code (}. */
    private static final Pattern WINDOW = Pattern.compile("[+(]?\\d(?:\\d|\\)|[ .\\-/](?=[\\d(]))*\\d");
    /** The shape of a US SSN, which is not how anyone groups a phone number. */
    private static final Pattern SSN_SHAPED = Pattern.compile("\\d{3}-\\d{2}-\\d{4}");
    /**
     * A payment card's shape (13–19 digits, plain or in groups of four, or Amex's 4-6-5): a number that fails the
     * card checks is a mistyped card or a reference, not two phone numbers side by side.
     */
    private static final Pattern CARD_SHAPED = Pattern
            .compile("\\d{13,19}|\\d{4}([ -])\\d{4}\\1\\d{4}\\1\\d{1,4}(?:\\1\\d{1,3})?|\\d{4}([ -])\\d{6}\\2\\d{4,5}");
    private static final int MIN_DIGITS = 7;
    /** For numbers written in international format, whose region the number itself says. */
    private static final String UNKNOWN_REGION = "ZZ";

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final List<String> regions;

    PhoneFinder(List<String> regions) {
        this.regions = List.copyOf(regions);
    }

    @Override
    public void find(String text, List<Finding> found) {
        Matcher window = WINDOW.matcher(text);
        List<int[]> datesAndTimes = null;
        while (window.find()) {
            int digits = countDigits(window.group());
            if (digits >= MIN_DIGITS && Surroundings.standaloneStart(text, window.start())
                    && !CARD_SHAPED.matcher(window.group()).matches()) {
                if (datesAndTimes == null) {
                    datesAndTimes = Surroundings.datesAndTimes(text);
                }
                findIn(text, window.start(), window.group(), digits, datesAndTimes, found);
            }
        }
    }

    private void findIn(String text, int offset, String window, int digits, List<int[]> datesAndTimes,
            List<Finding> found) {
        List<Finding> inWindow = new ArrayList<>(2);
        int covered = 0;
        boolean international = window.indexOf('+') >= 0;
        for (int r = international ? -1 : 0; r < regions.size() && covered < digits; r++) {
            String region = r < 0 ? UNKNOWN_REGION : regions.get(r);
            for (PhoneNumberMatch match : phones.findNumbers(window, region, Leniency.VALID, Long.MAX_VALUE)) {
                Finding finding = new Finding(PiiKind.PHONE, offset + match.start(), offset + match.end(),
                        phones.format(match.number(), PhoneNumberFormat.E164));
                if (inWindow.stream().anyMatch(finding::overlaps)) {
                    continue;
                }
                inWindow.add(finding);
                covered += countDigits(match.rawString());
                if (accepted(text, finding, match.rawString(), datesAndTimes)) {
                    found.add(finding);
                }
            }
        }
    }

    private static boolean accepted(String text, Finding finding, String raw, List<int[]> datesAndTimes) {
        return Surroundings.standalone(text, finding.start(), finding.end()) && !Surroundings.isDateTimeOrAmount(raw)
                && !SSN_SHAPED.matcher(raw).matches()
                && datesAndTimes.stream().noneMatch(d -> d[0] < finding.end() && finding.start() < d[1])
                && Cue.before(text, finding.start()) != Cue.REFERENCE;
    }

    private static int countDigits(String s) {
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            if (DigitGroups.isAsciiDigit(s.charAt(i))) {
                digits++;
            }
        }
        return digits;
    }
}
