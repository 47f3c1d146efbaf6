package dev.conversationworker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The metric names that the alert rules and the dashboard in deploy/monitoring use, and those a scrape exposes. */
public final class MonitoringNames {

    private static final List<Path> FILES = List.of(Path.of("deploy/monitoring/prometheusrule.yaml"),
            Path.of("deploy/monitoring/grafana-dashboard.json"));
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
}
