package dev.conversationworker.pseudonymise;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Phone numbers in international and national formats, found and validated by Google's libphonenumber
 * ({@link PhoneNumberUtil#findNumbers} with {@link Leniency#VALID}: a number must be assigned in its region's plan,
 * not merely have a possible length) and numbered in E.164, so {@code +84 912 345 678} and {@code 0912 345 678} are
 * one number.
 *
 * <p>
 * {@code findNumbers} is the expensive part (about 20 µs a call, and it takes one region a call). It runs only on
 * short windows of at least seven digits with phone punctuation: once, region unknown, for a window written with
 * {@code +}; otherwise only in the regions whose plan holds the window's digits (a cheap check against
 * libphonenumber's metadata; usually one region), in the configured order, so a national number valid in two
 * regions is always the first one's. A number introduced as an order, ticket, tracking number, SKU... ("đơn hàng
 * 5512003412") is kept, as are numbers glued to an identifier, amounts, dates, times, and numbers shaped like a card
 * or an SSN.
 */
final class PhoneFinder implements Finder {

    /** The shape of a US SSN, which is not how anyone groups a phone number. */
    private static final Pattern SSN_SHAPED = Pattern.compile("\\d{3}-\\d{2}-\\d{4}");
    /**
     * A payment card's shape (13–19 digits, plain or in groups of four, or Amex's 4-6-5): a number that fails the
     * card checks is a mistyped card or a reference, not two phone numbers side by side.
     */
    private static final Pattern CARD_SHAPED = Pattern
            .compile("\\d{13,19}|\\d{4}([ -])\\d{4}\\1\\d{4}\\1\\d{1,4}(?:\\1\\d{1,3})?|\\d{4}([ -])\\d{6}\\2\\d{4,5}");
    private static final int MIN_DIGITS = 7;
    /** Two numbers side by side at most; a longer window is searched piece by piece. */
    private static final int MAX_WINDOW = 40;
    /** The most groups a phone number is written in ("+1 (212) 555 0134"). */
    private static final int MAX_GROUPS = 4;
    /** For numbers written in international format, whose region the number itself says. */
    private static final String UNKNOWN_REGION = "ZZ";

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final List<Region> regions;

    /** A region's calling code and trunk prefix ("0" in Vietnam, "1" in the US), read from libphonenumber. */
    private record Region(String code, int callingCode, String trunkPrefix, Set<Integer> lengths) {
    }

    PhoneFinder(List<String> regionCodes) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        regions = regionCodes.stream().map(code -> {
            int callingCode = util.getCountryCodeForRegion(code);
            if (callingCode == 0) {
                throw new IllegalArgumentException("phoneRegions: unknown region " + code);
            }
            String trunk = util.getNddPrefixForRegion(code, true);
            return new Region(code, callingCode, trunk == null ? "" : trunk, possibleLengths(util, callingCode));
        }).toList();
    }

    /** The lengths a national number of the calling code can have, asked of libphonenumber's metadata once. */
    private static Set<Integer> possibleLengths(PhoneNumberUtil util, int callingCode) {
        Set<Integer> lengths = new HashSet<>();
        for (int length = 4; length <= 17; length++) {
            PhoneNumber number = new PhoneNumber().setCountryCode(callingCode)
                    .setNationalNumber(Long.parseLong("9".repeat(length)));
            if (util.isPossibleNumberWithReason(number) == ValidationResult.IS_POSSIBLE) {
                lengths.add(length);
            }
        }
        return Set.copyOf(lengths);
    }

    @Override
    public void find(String text, List<Finding> found) {
        List<int[]> datesAndTimes = null;
        int from = 0;
        for (int[] window = nextWindow(text, from); window != null; window = nextWindow(text, from)) {
            int start = window[0];
            String chars = text.substring(start, window[1]);
            from = window[1];
            int space = chars.indexOf(' ');
            // What follows a space after a complete number (seven digits or more) is a value of its own, whatever
            // came before: "tracking 1ZB63BNX5019281035 0978 652 4285", "order number 6109048275 0214232354" (line
            // breaks become spaces in prompt-safe text).
            boolean completeFirstGroup = space > 0 && digitsOf(chars.substring(0, space)).length() >= MIN_DIGITS;
            if (!Surroundings.standaloneStart(text, start)) {
                // Glued to an identifier ("DE89 3704 0044 ..."): all of it is, unless its first group is complete.
                // After an amount ("€274.24 94242057") or a "#": only the first group is.
                char before = text.charAt(start - 1);
                boolean identifier = Character.isLetterOrDigit(before) || Surroundings.isJoiner(before);
                if (space > 0 && (!identifier || completeFirstGroup)) {
                    from = start + space + 1;
                }
                continue;
            }
            if (Cue.before(text, start) == Cue.REFERENCE) {
                if (completeFirstGroup) {
                    from = start + space + 1;
                }
                continue;
            }
            String digits = digitsOf(chars);
            if (digits.length() < MIN_DIGITS || CARD_SHAPED.matcher(chars).matches()) {
                continue;
            }
            if (datesAndTimes == null) {
                datesAndTimes = Surroundings.datesAndTimes(text);
            }
            if (chars.length() <= MAX_WINDOW) {
                findIn(text, start, chars, digits, datesAndTimes, found);
            } else {
                findInLong(text, start, chars, datesAndTimes, found);
            }
        }
    }

    /**
     * The next window from {@code from}: a digit (or {@code +} or {@code (} before one), then digits, brackets, and
     * single separators ({@code space . - /}) each followed by a digit or {@code (}, to the last digit. A loop, not a
     * pattern: an alternation under a star recurses once per character in {@code java.util.regex}.
     */
    private static int[] nextWindow(String text, int from) {
        int n = text.length();
        for (int i = from; i < n; i++) {
            if (!DigitGroups.isAsciiDigit(text.charAt(i))) {
                continue;
            }
            int start = i > 0 && (text.charAt(i - 1) == '+' || text.charAt(i - 1) == '(') ? i - 1 : i;
            if (start > 0 && text.charAt(start) == '(' && text.charAt(start - 1) == '+') {
                start--;
            }
            int lastDigit = i;
            int j = i + 1;
            while (j < n) {
                char c = text.charAt(j);
                if (DigitGroups.isAsciiDigit(c)) {
                    lastDigit = j;
                } else if (!(c == '(' || c == ')' || ((c == ' ' || c == '.' || c == '-' || c == '/') && j + 1 < n
                        && (DigitGroups.isAsciiDigit(text.charAt(j + 1)) || text.charAt(j + 1) == '(')))) {
                    break;
                }
                j++;
            }
            return new int[]{start, lastDigit + 1};
        }
        return null;
    }

    /** A window too long for one or two numbers ("0912345678 0987654321 0901234567 …"): piece by piece. */
    private void findInLong(String text, int offset, String window, List<int[]> datesAndTimes, List<Finding> found) {
        int pieceStart = 0;
        while (pieceStart < window.length()) {
            int pieceEnd = Math.min(window.length(), pieceStart + MAX_WINDOW);
            int space = window.lastIndexOf(' ', pieceEnd);
            if (pieceEnd < window.length() && space > pieceStart) {
                pieceEnd = space;
            }
            String piece = window.substring(pieceStart, pieceEnd);
            String digits = digitsOf(piece);
            if (digits.length() >= MIN_DIGITS) {
                findIn(text, offset + pieceStart, piece, digits, datesAndTimes, found);
            }
            pieceStart = pieceEnd + 1;
        }
    }

    /**
     * {@code findNumbers} costs about 20 µs a call; before it, a cheap test says which regions can hold the window's
     * number at all (its digits, less a trunk prefix, validated against the region's plan): usually one.
     */
    private void findIn(String text, int offset, String window, String digits, List<int[]> datesAndTimes,
            List<Finding> found) {
        if (window.indexOf('+') >= 0) {
            // Region unknown for the number written with '+'; the regions, should a national one sit beside it.
            List<String> tried = new ArrayList<>(regions.size() + 1);
            tried.add(UNKNOWN_REGION);
            regions.forEach(region -> tried.add(region.code()));
            int covered = findIn(text, offset, window, digits.length(), tried, datesAndTimes, found);
            int lastBreak = window.lastIndexOf(' ');
            if (covered < digits.length() && lastBreak > window.indexOf('+')) {
                // "+1 (713) 969-3864 0896520077": the last group may be a number of its own.
                findIn(text, offset, window.substring(0, lastBreak), digitsOf(window.substring(0, lastBreak)),
                        datesAndTimes, found);
                findInGroup(text, offset + lastBreak + 1, window.substring(lastBreak + 1), datesAndTimes, found);
            }
            return;
        }
        // The window, or all but its first or last group ("room 5 0912345678"), as one number of some region.
        int firstBreak = firstNonDigit(window);
        int lastBreak = lastNonDigit(window);
        int[][] parts = firstBreak < 0
                ? new int[][]{{0, window.length()}}
                : new int[][]{{0, window.length()}, {firstBreak + 1, window.length()}, {0, lastBreak}};
        for (int[] part : parts) {
            String partDigits = digitsOf(window.substring(part[0], part[1]));
            List<String> fitting = new ArrayList<>(2);
            for (Region region : regions) {
                if (validIn(partDigits, region)) {
                    fitting.add(region.code());
                }
            }
            if (!fitting.isEmpty()) {
                findIn(text, offset + part[0], window.substring(part[0], part[1]), partDigits.length(), fitting,
                        datesAndTimes, found);
                // The group left out may be a number of its own.
                if (part[0] > 0) {
                    findInGroup(text, offset, window.substring(0, part[0] - 1), datesAndTimes, found);
                } else if (part[1] < window.length()) {
                    findInGroup(text, offset + part[1] + 1, window.substring(part[1] + 1), datesAndTimes, found);
                }
                return;
            }
        }
        // Long enough to hold two numbers side by side: the regions in which a run of a few of its groups is a
        // number look for them.
        if (digits.length() >= 2 * MIN_DIGITS) {
            List<String> fitting = regionsOfGroups(window);
            if (!fitting.isEmpty()) {
                findIn(text, offset, window, digits.length(), fitting, datesAndTimes, found);
            }
        }
    }

    /** The regions, in order, whose plan holds one to four consecutive digit groups of the window. */
    private List<String> regionsOfGroups(String window) {
        List<String> groups = new ArrayList<>();
        for (String group : window.split("[^0-9]+")) {
            if (!group.isEmpty()) {
                groups.add(group);
            }
        }
        List<String> fitting = new ArrayList<>(2);
        for (Region region : regions) {
            search : for (int first = 0; first < groups.size(); first++) {
                StringBuilder digits = new StringBuilder();
                for (int last = first; last < Math.min(groups.size(), first + MAX_GROUPS); last++) {
                    digits.append(groups.get(last));
                    if (validIn(digits.toString(), region)) {
                        fitting.add(region.code());
                        break search;
                    }
                }
            }
        }
        return fitting;
    }

    private void findInGroup(String text, int offset, String group, List<int[]> datesAndTimes, List<Finding> found) {
        String digits = digitsOf(group);
        if (digits.length() >= MIN_DIGITS) {
            findIn(text, offset, group, digits, datesAndTimes, found);
        }
    }

    /**
     * {@code findNumbers} in each region in turn until every digit of the window belongs to a number; how many
     * digits do.
     */
    private int findIn(String text, int offset, String window, int digits, List<String> tried,
            List<int[]> datesAndTimes, List<Finding> found) {
        List<Finding> inWindow = new ArrayList<>(2);
        int covered = 0;
        for (int r = 0; r < tried.size() && covered < digits; r++) {
            for (PhoneNumberMatch match : phones.findNumbers(window, tried.get(r), Leniency.VALID, Long.MAX_VALUE)) {
                Finding finding = new Finding(PiiKind.PHONE, offset + match.start(), offset + match.end(),
                        phones.format(match.number(), PhoneNumberFormat.E164));
                if (inWindow.stream().anyMatch(finding::overlaps)) {
                    continue;
                }
                inWindow.add(finding);
                covered += digitsOf(match.rawString()).length();
                if (accepted(text, finding, match.rawString(), datesAndTimes)) {
                    found.add(finding);
                }
            }
        }
        return covered;
    }

    private boolean validIn(String digits, Region region) {
        String national = !region.trunkPrefix().isEmpty() && digits.startsWith(region.trunkPrefix())
                ? digits.substring(region.trunkPrefix().length())
                : digits;
        if (!region.lengths().contains(national.length())) {
            return false;
        }
        PhoneNumber number = new PhoneNumber().setCountryCode(region.callingCode())
                .setNationalNumber(Long.parseLong(national));
        if (national.charAt(0) == '0') {
            int zeros = 0;
            while (zeros < national.length() && national.charAt(zeros) == '0') {
                zeros++;
            }
            number.setItalianLeadingZero(true).setNumberOfLeadingZeros(zeros);
        }
        return phones.isValidNumberForRegion(number, region.code());
    }

    private static int firstNonDigit(String window) {
        for (int i = 0; i < window.length(); i++) {
            if (!DigitGroups.isAsciiDigit(window.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastNonDigit(String window) {
        for (int i = window.length() - 1; i >= 0; i--) {
            if (!DigitGroups.isAsciiDigit(window.charAt(i))) {
                return i;
            }
        }
        return 0;
    }

    private static boolean accepted(String text, Finding finding, String raw, List<int[]> datesAndTimes) {
        return Surroundings.standalone(text, finding.start(), finding.end()) && !Surroundings.isDateTimeOrAmount(raw)
                && !SSN_SHAPED.matcher(raw).matches()
                && datesAndTimes.stream().noneMatch(d -> d[0] < finding.end() && finding.start() < d[1])
                && Cue.before(text, finding.start()) != Cue.REFERENCE;
    }

    private static String digitsOf(String s) {
        StringBuilder digits = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (DigitGroups.isAsciiDigit(s.charAt(i))) {
                digits.append(s.charAt(i));
            }
        }
        return digits.toString();
    }
}
