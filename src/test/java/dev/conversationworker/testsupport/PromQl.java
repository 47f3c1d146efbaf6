package dev.conversationworker.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to find what an expression reads: its series selectors (a metric name and its label
 * matchers) and the labels it groups by. Not a parser of the whole language: strings, range brackets, numbers,
 * functions, aggregations and binary keywords are stepped over.
 */
public final class PromQl {

    /** Aggregation operators: an identifier that may be followed by {@code by (…)} instead of {@code (}. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Keywords followed by a list of label names. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf",
            "nan");

    /** {@code label op "value"}, with op one of {@code = != =~ !~}. */
    public record LabelMatcher(String label, String op, String value) {

        public boolean matches(String actual) {
            String present = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> present.equals(value);
                case "!=" -> !present.equals(value);
                case "=~" -> Pattern.compile(value).matcher(present).matches();
                case "!~" -> !Pattern.compile(value).matcher(present).matches();
                default -> throw new IllegalStateException("unknown matcher " + op);
            };
        }

        @Override
        public String toString() {
            return label + op + '"' + value + '"';
        }
    }

    /** A metric name with its label matchers, as written in an expression. */
    public record Selector(String name, List<LabelMatcher> matchers) {

        @Override
        public String toString() {
            return matchers.isEmpty() ? name : name + matchers.toString().replace('[', '{').replace(']', '}');
        }
    }

    /** What one expression reads: its selectors, and the labels of its {@code by (…)} clauses. */
    public record Reads(List<Selector> selectors, Set<String> groupedBy) {
    }

    private final String text;
    private int at;
    private final List<Selector> selectors = new ArrayList<>();
    private final Set<String> groupedBy = new LinkedHashSet<>();

    private PromQl(String text) {
        this.text = text;
    }

    public static Reads reads(String expression) {
        PromQl scan = new PromQl(expression);
        scan.scan();
        return new Reads(List.copyOf(scan.selectors), Set.copyOf(scan.groupedBy));
    }

    private void scan() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                string();
            } else if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else if (c == '[') {
                at = text.indexOf(']', at) + 1;
            } else if (c == '{') {
                // A selector without a name ({__name__="…"}): its name is a matcher.
                List<LabelMatcher> matchers = matchers();
                matchers.stream().filter(m -> m.label().equals("__name__") && m.op().equals("=")).findFirst()
                        .ifPresent(name -> selectors.add(new Selector(name.value(), matchers.stream()
                                .filter(m -> !m.label().equals("__name__")).toList())));
            } else if (Character.isDigit(c) || c == '.') {
                while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                    at++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                identifier();
            } else {
                at++;
            }
        }
    }

    private void identifier() {
        String name = word();
        skipSpace();
        boolean call = at < text.length() && text.charAt(at) == '(';
        if (LABEL_LISTS.contains(name) && call) {
            List<String> labels = labelList();
            if (name.equals("by")) {
                groupedBy.addAll(labels);
            }
        } else if (call || AGGREGATIONS.contains(name) || KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
            // a function, an aggregation (before its by/without) or a binary keyword
        } else if (at < text.length() && text.charAt(at) == '{') {
            selectors.add(new Selector(name, matchers()));
        } else {
            selectors.add(new Selector(name, List.of()));
        }
    }

    private String word() {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_'
                || text.charAt(at) == ':')) {
            at++;
        }
        return text.substring(start, at);
    }

    private List<String> labelList() {
        int end = text.indexOf(')', at);
        List<String> labels = new ArrayList<>();
        for (String label : text.substring(at + 1, end).split(",")) {
            if (!label.isBlank()) {
                labels.add(label.strip());
            }
        }
        at = end + 1;
        return labels;
    }

    private List<LabelMatcher> matchers() {
        List<LabelMatcher> matchers = new ArrayList<>();
        at++; // {
        while (true) {
            skipSpace();
            char c = text.charAt(at);
            if (c == '}') {
                at++;
                return matchers;
            }
            if (c == ',') {
                at++;
                continue;
            }
            String label = word();
            skipSpace();
            int opStart = at;
            while ("=!~".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            String op = text.substring(opStart, at);
            skipSpace();
            matchers.add(new LabelMatcher(label, op, string()));
        }
    }

    /** A quoted string at {@code at}, unescaped; {@code at} ends after its closing quote. */
    private String string() {
        char quote = text.charAt(at++);
        StringBuilder value = new StringBuilder();
        while (text.charAt(at) != quote) {
            char c = text.charAt(at++);
            if (c == '\\' && quote != '`') {
                c = text.charAt(at++);
                value.append(switch (c) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> c;
                });
            } else {
                value.append(c);
            }
        }
        at++;
        return value.toString();
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    /** One series of a Prometheus text-format scrape. */
    public record Series(String name, Map<String, String> labels, double value) {
    }

    /** The series of a scrape ({@code # HELP}/{@code # TYPE} lines and exemplars left out). */
    public static List<Series> series(String scrape) {
        List<Series> series = new ArrayList<>();
        scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> {
            PromQl scan = new PromQl(line);
            String name = scan.word();
            Map<String, String> labels = new LinkedHashMap<>();
            if (scan.at < line.length() && line.charAt(scan.at) == '{') {
                scan.matchers().forEach(m -> labels.put(m.label(), m.value()));
            }
            scan.skipSpace();
            String rest = line.substring(scan.at);
            int end = rest.indexOf(' ');
            series.add(new Series(name, Map.copyOf(labels), number(end < 0 ? rest : rest.substring(0, end))));
        });
        return series;
    }

    private static double number(String sample) {
        return switch (sample) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(sample);
        };
    }
}
