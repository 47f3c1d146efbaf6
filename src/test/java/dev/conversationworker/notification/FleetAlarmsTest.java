package dev.conversationworker.notification;

import static dev.conversationworker.testsupport.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.model.DeadLettered;
import dev.conversationworker.model.LlmNeedsOperator;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/**
 * Operational alarms of several instances (several alarm objects in this JVM, each with windows of its own, as in
 * separate processes) against the real Redis and Kafka: one notification on the topic for the fleet, not one per
 * instance, and a pile spread over instances is still seen.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class FleetAlarmsTest {

    /** Generous: the shared machine may be slow; the "once" checks below wait for a second message that must not come. */
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Duration NO_MORE = Duration.ofSeconds(3);

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    NotifyConfig config;
    @Inject
    NotificationPublisher publisher;
    @Inject
    GoogleChatMessages messages;

    private final KafkaTestClient kafka = KafkaTestClient.get();
    /** The instances of one test share Redis under a prefix of their own, away from the other tests' alarms. */
    private final String prefix = "cw-fleet-alarms-test-" + System.nanoTime();

    @Test
    void aRevokedLlmKeySeenByThreeInstancesPagesOnce() {
        String endpoint = "fleet-llm-" + System.nanoTime();
        Instant before = Instant.now();
        List<LlmOperatorAlarm> instances = IntStream.range(0, 3)
                .mapToObj(i -> new LlmOperatorAlarm(publisher, messages, instanceWindows())).toList();
        for (int round = 0; round < 2; round++) {
            instances.forEach(instance -> instance.on(new LlmNeedsOperator(endpoint, "m", "HTTP 401")));
        }

        List<ConsumerRecord<byte[], byte[]>> pages = once(endpoint);
        assertThat(header(pages.get(0), "dedupe-key")).startsWith("llm-needs-operator:" + endpoint + ":");
        Instant windowStart = Instant.parse(header(pages.get(0), "dedupe-key")
                .substring(("llm-needs-operator:" + endpoint + ":").length()));
        assertThat(windowStart).as("the window's start, in Redis time").isBetween(before.minusSeconds(5),
                Instant.now().plusSeconds(5));
    }

    @Test
    void deadLettersSpreadOverTwoInstancesAlarmOnceWhenTheFleetReachesTheThreshold() {
        String reason = "fleet-dead-letters-" + System.nanoTime();
        List<DeadLetterAlarm> instances = List.of(new DeadLetterAlarm(config, publisher, messages, instanceWindows()),
                new DeadLetterAlarm(config, publisher, messages, instanceWindows()));
        int threshold = config.deadLetterThreshold();
        for (int i = 0; i < threshold + 5; i++) {
            instances.get(i % 2).on(new DeadLettered(reason)); // each instance alone stays below the threshold
        }

        List<ConsumerRecord<byte[], byte[]>> alarms = once(reason);
        assertThat(header(alarms.get(0), "dedupe-key")).startsWith("dead-letters:");
        assertThat(new String(alarms.get(0).value(), StandardCharsets.UTF_8))
                .contains(threshold + " events dead-lettered");
    }

    @Test
    void failedAnalysesOfTwoInstancesMakeOneBurstAndOneSummary() {
        List<FailedAnalysisBursts> instances = List.of(
                new FailedAnalysisBursts(3, Duration.ofMinutes(5), instanceWindows()),
                new FailedAnalysisBursts(3, Duration.ofMinutes(5), instanceWindows()));
        List<FailedAnalysisBursts.Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            decisions.add(instances.get(i % 2).failed().await().atMost(AWAIT));
        }

        assertThat(decisions.subList(0, 3)).allMatch(FailedAnalysisBursts.Each.class::isInstance);
        assertThat(decisions.get(3)).isInstanceOfSatisfying(FailedAnalysisBursts.Summary.class,
                summary -> assertThat(summary.count()).isEqualTo(4));
        assertThat(decisions.subList(4, 8)).allMatch(FailedAnalysisBursts.Quiet.class::isInstance);
    }

    @Test
    void aWindowOpensAtItsFirstOccurrenceInRedisTimeForEveryInstanceAndExpiresWithItsLength() {
        RedisAlarmWindows instanceA = new RedisAlarmWindows(redis, prefix);
        RedisAlarmWindows instanceB = new RedisAlarmWindows(redis, prefix);
        Duration window = Duration.ofMillis(500);

        WindowedCounter.Count first = instanceA.occurred("a", window).await().atMost(AWAIT);
        WindowedCounter.Count second = instanceB.occurred("a", window).await().atMost(AWAIT);
        assertThat(first.value()).isEqualTo(1);
        assertThat(second).isEqualTo(new WindowedCounter.Count(2, first.windowStart()));
        assertThat(instanceB.occurred("b", window).await().atMost(AWAIT).value()).as("another alarm").isEqualTo(1);
        assertThat(redis.key().pttl(instanceA.key("a")).await().atMost(AWAIT)).isBetween(1L, 500L);

        await().atMost(AWAIT).until(() -> !redis.key().exists(instanceA.key("a")).await().atMost(AWAIT));
        WindowedCounter.Count next = instanceB.occurred("a", window).await().atMost(AWAIT);
        assertThat(next.value()).isEqualTo(1);
        assertThat(next.windowStart()).isAfterOrEqualTo(first.windowStart().plus(window));
    }

    /** The windows of one instance: the fleet's in Redis, and its own for when Redis is away. */
    private AlarmWindows instanceWindows() {
        return new FleetAlarmWindows(new RedisAlarmWindows(redis, prefix), new LocalAlarmWindows(Clock.systemUTC()));
    }

    /** The notifications about {@code marker}, once one has come and no other followed. */
    private List<ConsumerRecord<byte[], byte[]>> once(String marker) {
        await().atMost(AWAIT).until(() -> !about(marker).isEmpty());
        await().during(NO_MORE).atMost(AWAIT).until(() -> about(marker).size() == 1);
        return about(marker);
    }

    private List<ConsumerRecord<byte[], byte[]>> about(String marker) {
        return kafka.records("oncall-notifications", r -> new String(r.value(), StandardCharsets.UTF_8)
                .contains(marker));
    }
}
