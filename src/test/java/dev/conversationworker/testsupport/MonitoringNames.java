package dev.conversationworker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The metric names that the alert rules and the dashboard in deploy/monitoring use, the expressions that read them,
 * and those a scrape exposes.
 */
public final class MonitoringNames {

    private static final Path RULES = Path.of("deploy/monitoring/prometheusrule.yaml");
    private static final Path DASHBOARD = Path.of("deploy/monitoring/grafana-dashboard.json");
    private static final Path SERVICE_MONITOR = Path.of("deploy/monitoring/servicemonitor.yaml");
    private static final List<Path> FILES = List.of(RULES, DASHBOARD);
    /**
     * The labels Prometheus Operator puts on every series of a ServiceMonitor's target: a worker's scrape lacks
     * them, and where the worker sets one itself, the target's value wins unless the ServiceMonitor honours labels.
     */
    public static final Set<String> TARGET_LABELS = Set.of("namespace", "service", "pod", "container", "endpoint",
            "job", "instance", "node");
    /** A Grafana variable query over the label values of a selector. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\s*\\)");
    private static final Pattern METRIC_NAME = Pattern.compile("\\b(?:cw|kafka|kube|jvm|process|http)_[a-z0-9_]+");
    /** From kube-state-metrics, not from the worker. */
    private static final Set<String> NOT_OURS = Set.of("kube_pod_status_ready");

    private MonitoringNames() {
    }

    /** Names used in the rules and the dashboard that {@code which} selects. */
    public static Set<String> used(Predicate<String> which) {
        Set<String> used = new TreeSet<>();
        for (Path file : FILES) {
            try {
                Matcher name = METRIC_NAME.matcher(Files.readString(file));
                while (name.find()) {
                    used.add(name.group());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        used.removeAll(NOT_OURS);
        return used.stream().filter(which).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The series names in a Prometheus scrape. */
    public static Set<String> exposed(String scrape) {
        return scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());
    }

    /** An expression of an alert rule, a dashboard panel or a dashboard variable, and where it is. */
    public record Expression(String where, String text) {

        /** The worker's series it selects (kube-state-metrics' left out), and the labels it groups by. */
        public PromQl.Reads reads() {
            Matcher labelValues = LABEL_VALUES.matcher(text.strip());
            PromQl.Reads reads = PromQl.reads(labelValues.matches() ? labelValues.group(1) : text);
            Set<String> groupedBy = new HashSet<>(reads.groupedBy());
            if (labelValues.matches()) {
                groupedBy.add(labelValues.group(2));
            }
            return new PromQl.Reads(reads.selectors().stream().filter(s -> !NOT_OURS.contains(s.name())).toList(),
                    Set.copyOf(groupedBy));
        }

        @Override
        public String toString() {
            return where + ": " + text.strip().replaceAll("\\s+", " ");
        }
    }

    /** Every expression of the alert rules, the dashboard's panels and the dashboard's variables. */
    public static List<Expression> expressions() {
        List<Expression> expressions = new ArrayList<>();
        try {
            for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("spec").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String name = rule.has("alert")
                            ? "alert " + rule.path("alert").asText()
                            : "record " + rule.path("record").asText();
                    expressions.add(new Expression(RULES.getFileName() + " " + name, rule.path("expr").asText()));
                }
            }
            JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if (variable.path("type").asText().equals("query")) {
                    expressions.add(new Expression(DASHBOARD.getFileName() + " variable " + variable.path("name")
                            .asText(), variable.path("query").isTextual()
                                    ? variable.path("query").asText()
                                    : variable.path("query").path("query").asText()));
                }
            }
            for (JsonNode panel : dashboard.findParents("targets")) {
                for (JsonNode target : panel.path("targets")) {
                    if (target.hasNonNull("expr")) {
                        expressions.add(new Expression(DASHBOARD.getFileName() + " panel '" + panel.path("title")
                                .asText() + "'", target.path("expr").asText()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return expressions;
    }

    /** Whether the ServiceMonitor keeps the worker's own value of a label the target also sets. */
    public static boolean serviceMonitorHonoursLabels() {
        try {
            JsonNode endpoints = new YAMLMapper().readTree(SERVICE_MONITOR.toFile()).path("spec").path("endpoints");
            for (JsonNode endpoint : endpoints) {
                if (!endpoint.path("honorLabels").asBoolean(false)) {
                    return false;
                }
            }
            return !endpoints.isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
