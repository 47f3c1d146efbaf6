package dev.conversationworker.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.DeliveryTestResource;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.MonitoringNames;
import dev.conversationworker.testsupport.MonitoringNames.Expression;
import dev.conversationworker.testsupport.PromQl;
import dev.conversationworker.testsupport.PromQl.LabelMatcher;
import dev.conversationworker.testsupport.PromQl.Selector;
import dev.conversationworker.testsupport.PromQl.Series;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * What Prometheus sees of a worker that has just started and has had no event yet: every series that an alert
 * rule, a dashboard panel or a dashboard variable reads is there already, with the label values they select, and
 * its counters at 0, so that the first dead letter, delivery or LLM call is an increase that {@code increase()}
 * and {@code rate()} see. New rules and panels are checked as they are added.
 */
@QuarkusTest
@TestProfile(MonitoredSeriesTest.FreshWorker.class)
class MonitoredSeriesTest {

    @Test
    void everySeriesTheRulesAndTheDashboardReadIsThereBeforeAnyEvent() {
        List<Expression> expressions = MonitoringNames.expressions();
        assertThat(expressions).as("expressions of the rules, panels and variables").hasSizeGreaterThan(20);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                unread(expressions, PromQl.series(scrape()))).as("expressions without a series to read").isEmpty());

        List<Series> deadLetters = PromQl.series(scrape()).stream()
                .filter(s -> s.name().equals("cw_dead_letters_total")).toList();
        assertThat(deadLetters).extracting(s -> s.labels().get("reason")).as("dead-letter reasons at start-up")
                .containsExactlyInAnyOrder("invalid", "processing-failed", "unwritable");
        assertThat(deadLetters).allSatisfy(s -> assertThat(s.value()).as(s.toString()).isZero());

        List<Series> tokens = PromQl.series(scrape()).stream()
                .filter(s -> s.name().equals("cw_llm_tokens_total")).toList();
        assertThat(tokens).extracting(s -> s.labels().get("endpoint") + " " + s.labels().get("kind"))
                .as("token series at start-up").containsExactlyInAnyOrder("primary prompt", "primary completion",
                        "primary cached", "fallback prompt", "fallback completion", "fallback cached");
        assertThat(PromQl.series(scrape()).stream().filter(s -> s.name().equals("cw_llm_cost_total")))
                .extracting(s -> s.labels().get("endpoint")).as("cost series, with prices configured")
                .containsExactlyInAnyOrder("primary", "fallback");
        assertThat(tokens).allSatisfy(s -> assertThat(s.value()).as(s.toString()).isZero());
    }

    /**
     * Prometheus Operator labels every series of a target with {@code endpoint} (the port's name), {@code pod},
     * {@code namespace}…: where the worker sets one of these itself (the LLM's {@code endpoint}), the rules group
     * by the worker's value only if the ServiceMonitor honours the worker's labels.
     */
    @Test
    void theWorkersOwnLabelsReachTheRules() {
        Set<String> clashing = new TreeSet<>();
        List<Series> scraped = PromQl.series(scrape());
        for (Expression expression : MonitoringNames.expressions()) {
            for (Selector selector : expression.reads().selectors()) {
                scraped.stream().filter(s -> s.name().equals(selector.name())).flatMap(s -> s.labels().keySet()
                        .stream().filter(MonitoringNames.TARGET_LABELS::contains).map(l -> s.name() + " " + l))
                        .forEach(clashing::add);
            }
        }
        assertThat(clashing).as("worker labels that the scrape target sets too").isNotEmpty();
        assertThat(MonitoringNames.serviceMonitorHonoursLabels()).as("honorLabels of the ServiceMonitor, for "
                + clashing).isTrue();
    }

    /** What each expression reads and the scrape does not have. */
    private static List<String> unread(List<Expression> expressions, List<Series> scraped) {
        List<String> unread = new ArrayList<>();
        for (Expression expression : expressions) {
            PromQl.Reads reads = expression.reads();
            List<Series> read = new ArrayList<>();
            for (Selector selector : reads.selectors()) {
                List<Series> selected = scraped.stream().filter(s -> selects(selector, s)).toList();
                if (selected.isEmpty()) {
                    unread.add(expression + " -> no series " + selector);
                }
                read.addAll(selected);
            }
            for (String label : reads.groupedBy()) {
                if (!MonitoringNames.TARGET_LABELS.contains(label)
                        && read.stream().noneMatch(s -> s.labels().containsKey(label))) {
                    unread.add(expression + " -> groups by " + label + ", a label of none of its series");
                }
            }
        }
        return unread;
    }

    /**
     * Whether a selector selects a series as Prometheus would store it: the target's labels ({@code namespace},
     * {@code pod}…) are added by the scrape, and Grafana's variables ({@code $namespace}) take any value.
     */
    private static boolean selects(Selector selector, Series series) {
        if (!series.name().equals(selector.name())) {
            return false;
        }
        for (LabelMatcher matcher : selector.matchers()) {
            boolean addedByScrape = MonitoringNames.TARGET_LABELS.contains(matcher.label())
                    && !series.labels().containsKey(matcher.label());
            if (!addedByScrape && !matcher.value().contains("$") && !matcher.matches(series.labels().get(matcher
                    .label()))) {
                return false;
            }
        }
        return true;
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * A worker that analyses (with an LLM) and delivers, on an input topic, consumer group and Redis keys of its
     * own, so that it sees no event before the scrape.
     */
    public static class FreshWorker implements QuarkusTestProfile {

        /** A budget: its gauge exists only where one is set. */
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm.budget.tokens-per-hour", "1000000");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(WorkerTestResource.class),
                    new TestResourceEntry(DeliveryTestResource.class, Map.of("analysis", "on")),
                    new TestResourceEntry(QuietInput.class));
        }
    }

    /** An input topic no one writes to. */
    public static class QuietInput implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            String run = Long.toString(System.nanoTime(), 36);
            String input = "monitored-series-events-" + run;
            Infrastructure.get().createTopics(Map.of(input, 1));
            return Map.of("topics.input", input,
                    "mp.messaging.incoming.chat-events.group.id", "monitored-series-" + run,
                    "history.key-prefix", "cw-monitored-" + run);
        }

        @Override
        public void stop() {
            // the topic goes with the broker at the JVM's exit
        }
    }
}
