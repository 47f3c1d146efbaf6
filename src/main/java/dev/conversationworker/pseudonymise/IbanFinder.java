package dev.conversationworker.pseudonymise;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.validator.routines.IBANValidator;

/**
 * IBANs, grouped ({@code DE89 3704 0044 0532 0130 00}) or not, in any case: the country's length (from
 * commons-validator's table) says where the IBAN ends, and commons-validator checks its format and mod-97.
 */
final class IbanFinder implements Finder {

    private static final Pattern START = Pattern.compile("(?<![\\p{L}\\p{N}])[A-Za-z]{2}\\d{2}");
    private static final IBANValidator VALIDATOR = IBANValidator.getInstance();

    @Override
    public void find(String text, List<Finding> found) {
        Matcher matcher = START.matcher(text);
        int from = 0;
        while (from < text.length() && matcher.find(from)) {
            int start = matcher.start();
            from = matcher.end();
            String country = text.substring(start, start + 2).toUpperCase(Locale.ROOT);
            IBANValidator.Validator validator = VALIDATOR.getValidator(country);
            if (validator == null) {
                continue;
            }
            StringBuilder compact = new StringBuilder(34);
            int end = collect(text, start, validator.getIbanLength(), compact);
            if (end < 0 || !Surroundings.standaloneEnd(text, end)) {
                continue;
            }
            String iban = compact.toString().toUpperCase(Locale.ROOT);
            if (VALIDATOR.isValid(iban)) {
                found.add(new Finding(PiiKind.IBAN, start, end, iban));
                from = end;
            }
        }
    }

    /** Takes {@code length} letters and digits from {@code start}, single spaces or dashes between; their end. */
    private static int collect(String text, int start, int length, StringBuilder compact) {
        int i = start;
        while (i < text.length() && compact.length() < length) {
            char c = text.charAt(i);
            if (isAsciiLetterOrDigit(c)) {
                compact.append(c);
                i++;
            } else if ((c == ' ' || c == '-') && i + 1 < text.length() && isAsciiLetterOrDigit(text.charAt(i + 1))
                    && i > start) {
                i++;
            } else {
                break;
            }
        }
        return compact.length() == length ? i : -1;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
