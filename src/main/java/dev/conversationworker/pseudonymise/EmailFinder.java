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

    @Override
    public void find(String text, List<Finding> found) {
        if (text.indexOf('@') < 0) {
            return;
        }
        Matcher matcher = CANDIDATE.matcher(text);
        while (matcher.find()) {
            String candidate = matcher.group();
            if (VALIDATOR.isValid(candidate)) {
                found.add(new Finding(PiiKind.EMAIL, matcher.start(), matcher.end(),
                        candidate.toLowerCase(Locale.ROOT)));
            }
        }
    }
}
