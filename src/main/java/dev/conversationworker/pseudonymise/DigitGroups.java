package dev.conversationworker.pseudonymise;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs of digit groups as people type long numbers: {@code 4111 1111 1111 1111}, {@code 4111-1111-1111-1111},
 * {@code 001.203.004.567}, each group separated from the next by one separator character.
 */
final class DigitGroups {

    /** One run: its groups' bounds, in order. */
    record Run(List<int[]> groups) {

        int start() {
            return groups.get(0)[0];
        }

        int end() {
            return groups.get(groups.size() - 1)[1];
        }

        /** The digits of groups {@code from} to {@code to} inclusive, without separators. */
        String digits(String text, int from, int to) {
            StringBuilder digits = new StringBuilder(24);
            for (int g = from; g <= to; g++) {
                digits.append(text, groups.get(g)[0], groups.get(g)[1]);
            }
            return digits.toString();
        }
    }

    private DigitGroups() {
    }

    /** The runs of at least {@code minDigits} digits, separators being any of {@code separators}. */
    static List<Run> find(String text, String separators, int minDigits) {
        List<Run> runs = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (!isAsciiDigit(text.charAt(i))) {
                i++;
                continue;
            }
            List<int[]> groups = new ArrayList<>(4);
            int digits = 0;
            while (true) {
                int groupStart = i;
                while (i < n && isAsciiDigit(text.charAt(i))) {
                    i++;
                }
                groups.add(new int[]{groupStart, i});
                digits += i - groupStart;
                if (i + 1 < n && separators.indexOf(text.charAt(i)) >= 0 && isAsciiDigit(text.charAt(i + 1))) {
                    i++;
                } else {
                    break;
                }
            }
            if (digits >= minDigits) {
                runs.add(new Run(groups));
            }
        }
        return runs;
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
