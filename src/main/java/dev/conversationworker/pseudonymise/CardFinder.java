package dev.conversationworker.pseudonymise;

import java.util.List;

import org.apache.commons.validator.routines.CodeValidator;
import org.apache.commons.validator.routines.CreditCardValidator;
import org.apache.commons.validator.routines.CreditCardValidator.CreditCardRange;
import org.apache.commons.validator.routines.checkdigit.LuhnCheckDigit;

/**
 * Payment card numbers, 13 to 19 digits, plain or in groups separated by spaces or dashes. A number is a card when
 * commons-validator accepts it for a known brand (prefix, length and Luhn), or when it passes Luhn and the customer
 * introduced it as a card ("số thẻ", "card number"). A run of digits longer than 19 without separators is not
 * searched inside: a card is not hidden in the middle of a tracking number.
 */
final class CardFinder implements Finder {

    private static final CreditCardValidator BRANDS = new CreditCardValidator(
            new CodeValidator[]{CreditCardValidator.VISA_VALIDATOR, CreditCardValidator.MASTERCARD_VALIDATOR,
                    CreditCardValidator.AMEX_VALIDATOR, CreditCardValidator.DISCOVER_VALIDATOR,
                    CreditCardValidator.DINERS_VALIDATOR},
            new CreditCardRange[]{
                    // JCB, UnionPay, and Napas (Vietnam's domestic cards), which the built-in list lacks.
                    new CreditCardRange("3528", "3589", 16, 19), new CreditCardRange("62", "62", 16, 19),
                    new CreditCardRange("9704", "9704", new int[]{16, 19})});

    @Override
    public void find(String text, List<Finding> found) {
        for (DigitGroups.Run run : DigitGroups.find(text, " -", 13)) {
            if (!Surroundings.standaloneStart(text, run.start())) {
                continue;
            }
            Finding best = null;
            for (int first = 0; first < run.groups().size(); first++) {
                for (int last = first; last < run.groups().size(); last++) {
                    String digits = run.digits(text, first, last);
                    if (digits.length() > 19) {
                        break;
                    }
                    int start = run.groups().get(first)[0];
                    int end = run.groups().get(last)[1];
                    if (digits.length() >= 13 && (best == null || end - start > best.length())
                            && Surroundings.standaloneEnd(text, end) && isCard(text, start, digits)) {
                        best = new Finding(PiiKind.CARD, start, end, digits);
                    }
                }
            }
            if (best != null) {
                found.add(best);
            }
        }
    }

    private static boolean isCard(String text, int start, String digits) {
        Cue cue = Cue.before(text, start);
        if (cue == Cue.REFERENCE) {
            return false;
        }
        return BRANDS.isValid(digits) || (cue == Cue.CARD && LuhnCheckDigit.LUHN_CHECK_DIGIT.isValid(digits));
    }
}
