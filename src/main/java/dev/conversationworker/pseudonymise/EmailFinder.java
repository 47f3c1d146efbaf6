package dev.conversationworker.pseudonymise;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.validator.routines.EmailValidator;

/** E-mail addresses: a cheap pattern finds candidates, commons-validator checks them (syntax and a known TLD). */
final class EmailFinder implements Finder {

    private static final Pattern CANDIDATE = Pattern.compile(
            "[\\p{L}\\p{N}_%+'-]+(?:\\.[\\p{L}\\p{N}_%+'-]+)*@[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?"
                    + "(?:\\.[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?)+");
    private static final EmailValidator VALIDATOR = EmailValidator.getInstance();
    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 255;

    @Override
    public void find(String text, List<Finding> found) {
        // From each '@' outwards: a pattern scanning the whole text would try every word as a local part.
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            // At most the lengths RFC 5321 allows, so that hostile input cannot make this quadratic.
            int start = at;
            while (start > 0 && at - start < MAX_LOCAL_PART && isLocalPartChar(text.charAt(start - 1))) {
                start--;
            }
            int end = at + 1;
            while (end < text.length() && end - at <= MAX_DOMAIN && isDomainChar(text.charAt(end))) {
                end++;
            }
            Matcher matcher = CANDIDATE.matcher(text).region(start, end);
            if (matcher.lookingAt() && matcher.end() > at + 1) {
                String candidate = matcher.group();
                if (VALIDATOR.isValid(candidate)) {
                    found.add(new Finding(PiiKind.EMAIL, start, matcher.end(), candidate.toLowerCase(Locale.ROOT)));
                }
            }
        }
    }

    private static boolean isLocalPartChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '\'' || c == '-';
    }

    private static boolean isDomainChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '-';
    }
}
