package dev.conversationworker.pseudonymise;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * US Social Security numbers. No well-kept library finds them in text, so: the SSA's rules (area not 000, 666 or
 * 900–999; group not 00; serial not 0000), and either the dashed form {@code 123-45-6789} or an SSN cue before nine
 * digits written otherwise.
 */
final class SsnFinder implements Finder {

    private static final Pattern SSN = Pattern.compile("(\\d{3})([- ]?)(\\d{2})\\2(\\d{4})");

    @Override
    public void find(String text, List<Finding> found) {
        Matcher matcher = SSN.matcher(text);
        while (matcher.find()) {
            int start = matcher.start();
            int end = matcher.end();
            if (!Surroundings.standalone(text, start, end) || !issuable(matcher)) {
                continue;
            }
            Cue cue = Cue.before(text, start);
            boolean dashed = "-".equals(matcher.group(2));
            if (cue == Cue.SSN || (dashed && cue != Cue.REFERENCE)) {
                found.add(new Finding(PiiKind.SSN, start, end, matcher.group(1) + matcher.group(3) + matcher.group(4)));
            }
        }
    }

    private static boolean issuable(Matcher ssn) {
        int area = Integer.parseInt(ssn.group(1));
        return area != 0 && area != 666 && area < 900 && !ssn.group(3).equals("00") && !ssn.group(4).equals("0000");
    }
}
