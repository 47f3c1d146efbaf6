package dev.conversationworker.pseudonymise;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a number found in a text stands on its own, or is a part of something that is not personal data: an
 * identifier ({@code ORD-55120034}, {@code TCK-448812}, {@code 1Z999AA10123456784}, {@code v2.14.3}), a reference
 * ({@code #5512003412}), an amount ({@code $1,299.00}, {@code 2.500.000đ}, {@code 25000000 VND}), a date or a time.
 */
final class Surroundings {

    private static final Pattern AMOUNT_AFTER = Pattern.compile(
            "(?iu)\\s?(?:đ|₫|vnd|vnđ|usd|eur|gbp|aud|sgd|k|tr|triệu|nghìn|ngàn|đồng|dollars?|bucks|€|\\$)(?![\\p{L}\\p{N}])");
    private static final Pattern DATE_OR_TIME = Pattern.compile(
            "\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|\\d{1,2}:\\d{2}(?::\\d{2})?");
    private static final Pattern DATE_OR_TIME_IN_TEXT = Pattern
            .compile("(?<![\\d.:/-])(?:" + DATE_OR_TIME.pattern() + ")(?![\\d:/-]|\\.\\d)");
    /** Thousands grouping ({@code 2.500.000}, {@code 1 299 000}): an amount, whatever currency follows. */
    private static final Pattern THOUSANDS = Pattern.compile("\\d{1,3}(?:([.,  ])\\d{3})(?:\\1\\d{3})+");

    private Surroundings() {
    }

    /** Neither glued to a letter, a digit or an identifier before or after, nor an amount. */
    static boolean standalone(String text, int start, int end) {
        return standaloneStart(text, start) && standaloneEnd(text, end);
    }

    static boolean standaloneStart(String text, int start) {
        if (start == 0) {
            return true;
        }
        char before = text.charAt(start - 1);
        if (Character.isLetterOrDigit(before) || before == '#' || isCurrency(before)) {
            return false;
        }
        return !(isJoiner(before) && start > 1 && Character.isLetterOrDigit(text.charAt(start - 2)));
    }

    static boolean standaloneEnd(String text, int end) {
        if (end == text.length()) {
            return true;
        }
        char after = text.charAt(end);
        if (Character.isLetterOrDigit(after) || after == '%' || isCurrency(after)) {
            return false;
        }
        if (end + 1 < text.length()) {
            char next = text.charAt(end + 1);
            // "1,299.00", "12.5": a longer number. "5512-ABC": an identifier. But "0912345678,em cảm ơn" and
            // "0912345678.Thanks" are a number and a sentence typed without a space.
            if (((after == ',' || after == '.') && Character.isDigit(next))
                    || (isJoiner(after) && after != '.' && Character.isLetterOrDigit(next))) {
                return false;
            }
        }
        return !(after == ' ' && AMOUNT_AFTER.matcher(text).region(end, text.length()).useTransparentBounds(true)
                .lookingAt());
    }

    /** Where the dates and times of a text are: a phone number cannot overlap one ("on 2022-01-04 15:48"). */
    static List<int[]> datesAndTimes(String text) {
        List<int[]> spans = new ArrayList<>();
        Matcher matcher = DATE_OR_TIME_IN_TEXT.matcher(text);
        while (matcher.find()) {
            spans.add(new int[]{matcher.start(), matcher.end()});
        }
        return spans;
    }

    /** A date ({@code 2024-03-15}, {@code 15/03/2024}), a time ({@code 14:30}) or a grouped amount. */
    static boolean isDateTimeOrAmount(String span) {
        return DATE_OR_TIME.matcher(span).matches() || THOUSANDS.matcher(span).matches();
    }

    static boolean isJoiner(char c) {
        return c == '-' || c == '_' || c == '/' || c == '.' || c == '\\';
    }

    private static boolean isCurrency(char c) {
        return Character.getType(c) == Character.CURRENCY_SYMBOL;
    }
}
