package dev.conversationworker.pseudonymise;

import java.util.List;

/**
 * Vietnamese citizen ids: the CCCD (12 digits) and the older CMND (9 digits), introduced by their words ("CCCD",
 * "CMND", "căn cước", "chứng minh", "citizen ID", "ID number"...). No library knows them; without a cue nine or twelve
 * digits are too often something else to replace.
 */
final class CitizenIdFinder implements Finder {

    @Override
    public void find(String text, List<Finding> found) {
        for (DigitGroups.Run run : DigitGroups.find(text, " .-", 9)) {
            String all = run.digits(text, 0, run.groups().size() - 1);
            if (isIdLength(all)) {
                add(text, run.start(), run.end(), all, found);
            } else {
                for (int[] group : run.groups()) {
                    if (isIdLength(text.substring(group[0], group[1]))) {
                        add(text, group[0], group[1], text.substring(group[0], group[1]), found);
                    }
                }
            }
        }
    }

    private static void add(String text, int start, int end, String digits, List<Finding> found) {
        if (Surroundings.standalone(text, start, end) && Cue.before(text, start) == Cue.CITIZEN_ID) {
            found.add(new Finding(PiiKind.CITIZEN_ID, start, end, digits));
        }
    }

    private static boolean isIdLength(String digits) {
        return digits.length() == 9 || digits.length() == 12;
    }
}
