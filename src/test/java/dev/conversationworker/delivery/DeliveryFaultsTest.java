package dev.conversationworker.delivery;

import static dev.conversationworker.testsupport.DeliveryFaultsTestResource.MAX_ATTEMPTS;
import static dev.conversationworker.testsupport.DeliveryFaultsTestResource.MAX_HELD;
import static dev.conversationworker.testsupport.DeliveryFaultsTestResource.MAX_HELD_BYTES;
import static dev.conversationworker.testsupport.DeliveryFaultsTestResource.MAX_PARKED;
import static dev.conversationworker.testsupport.DeliveryFaultsTestResource.RUN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.DeliveryFaultsTestResource;
import dev.conversationworker.testsupport.DeliveryTestResource;
import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.Notifications;
import dev.conversationworker.testsupport.WithDeliveryFaults;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * Spaces that misbehave, each alone, while the others deliver: a refused space holds back neither another space nor
 * the committed offset, and its backlog waits in Redis within bounds; a body that always fails is dead-lettered after
 * its budget; a long outage of a space dead-letters nothing and ends delivered, however many retries it took; and
 * Google's {@code Retry-After} cannot stop a space for longer than {@code delivery.max-retry-after}.
 */
@QuarkusTest
@TestProfile(WithDeliveryFaults.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryFaultsTest {

    private static final String PROFILE = "faults";
    private static final String NOTIFICATIONS = "delivery-faults-notifications-" + RUN;
    private static final String DEAD_LETTERS = "delivery-faults-dlq-" + RUN;
    private static final String GROUP = "delivery-faults-" + RUN;
    private static final String KEY_PREFIX = "cw-faults-" + RUN + ":delivery";
    private static KafkaTestClient kafka;

    private final GoogleChatSimulator chat = DeliveryTestResource.simulator();

    @Inject
    RedisDataSource redis;

    @Inject
    Deliveries deliveries;

    private static synchronized KafkaTestClient kafka() {
        if (kafka == null) {
            kafka = new KafkaTestClient(Infrastructure.get(), NOTIFICATIONS, "conversation-analyses", NOTIFICATIONS,
                    DEAD_LETTERS);
        }
        return kafka;
    }

    private static String simulated(String space) {
        return DeliveryFaultsTestResource.simulated(PROFILE, space);
    }

    private void send(String conversation, String kind, String summary) {
        // A kind of the test's own routes the record to its space: off the contract (attention, operational) on
        // purpose.
        ("attention".equals(kind) ? kafka() : kafka().unchecked()).send(null,
                conversation.getBytes(StandardCharsets.UTF_8),
                Notifications.body(conversation, "high", summary).getBytes(StandardCharsets.UTF_8),
                Notifications.headers("high", kind, "attention:" + conversation));
    }

    @Test
    @Order(1)
    void theAgeOfTheOldestUndeliveredNotificationIsExposedForEverySpaceFromStartUp() {
        String scrape = given().get("/q/metrics").then().extract().asString();
        for (String space : List.of("default", "stuck", "poison", "flaky", "throttled")) {
            assertThat(scrape).contains("cw_delivery_oldest_undelivered_seconds{space=\"" + space + "\"}");
        }
    }

    /**
     * A space whose webhook is refused (401) holds 40 notifications: the default space delivers meanwhile, the
     * consumer group's committed offset reaches the end of the topic (a restart would send nothing again), the
     * instance holds no more of them in memory than its per-space bounds, and their age shows. Beyond
     * {@code delivery.max-parked} the overflow is dead-lettered with its reason; once the webhook is fixed, every
     * parked one is delivered, once.
     */
    @Test
    @Order(2)
    void aRefusedSpaceHoldsBackNeitherTheOtherSpacesNorTheCommittedOffset() throws Exception {
        chat.revoke(simulated("stuck"), true);
        String stuck = "stuck-" + RUN + "-";
        String fine = "fine-" + RUN + "-";
        String longSummary = "a long summary ".repeat(250); // ≈ 4 KB each: 40 of them are more than 64 KiB
        for (int i = 0; i < 40; i++) {
            send(stuck + i, "stuck-test", longSummary + i);
        }
        for (int i = 0; i < 5; i++) {
            send(fine + i, "attention", "fine " + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> covered("default", fine).size() == 5);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(committedOffset())
                .as("the committed offset passes the refused space's records").isEqualTo(endOffset()));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(metric("cw_delivery_backlog{space=\"stuck\"}")).isEqualTo(40));
        SpaceDeliverer held = deliveries.deliverer(null, "stuck-test");
        assertThat(held.heldRecords()).as("records held in memory").isBetween(1, MAX_HELD);
        assertThat(held.heldBytes()).as("bytes held in memory").isBetween(1L, (long) MAX_HELD_BYTES);
        Thread.sleep(2000);
        assertThat(metric("cw_delivery_oldest_undelivered_seconds{space=\"stuck\"}")).isGreaterThanOrEqualTo(2);
        assertThat(chat.created(simulated("stuck"))).isEmpty();

        for (int i = 40; i < MAX_PARKED + 3; i++) {
            send(stuck + i, "stuck-test", "overflow " + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka().records(DEAD_LETTERS,
                r -> new String(r.key(), StandardCharsets.UTF_8).startsWith(stuck)).size() == 3);
        var overflow = kafka().records(DEAD_LETTERS, r -> new String(r.key(), StandardCharsets.UTF_8)
                .startsWith(stuck));
        assertThat(overflow).allSatisfy(letter -> {
            assertThat(KafkaTestClient.header(letter, "dead-letter-space")).isEqualTo("stuck");
            assertThat(KafkaTestClient.header(letter, "dead-letter-reason")).contains("backlog").contains("full");
        });

        chat.revoke(simulated("stuck"), false);
        await().atMost(Duration.ofSeconds(60)).until(() -> covered("stuck", stuck).size() == MAX_PARKED);
        Thread.sleep(1000);
        assertThat(covered("stuck", stuck).values()).allMatch(count -> count == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                metric("cw_delivery_oldest_undelivered_seconds{space=\"stuck\"}")).isZero());
    }

    /** A body that fails with 500 every time, ahead of others in its space: dead-lettered after its budget. */
    @Test
    @Order(3)
    void aBodyThatAlwaysFailsIsDeadLetteredAfterItsBudgetAndTheSpaceGoesOn() {
        String poison = "poison-" + RUN;
        String after = "after-poison-" + RUN;
        chat.failBodies(simulated("poison"), body -> body.contains("POISONOUS"), 500);
        send(poison, "poison-test", "POISONOUS");
        send(after, "poison-test", "harmless");
        await().atMost(Duration.ofSeconds(30)).until(() -> !covered("poison", after).isEmpty()
                && !kafka().records(DEAD_LETTERS, poison).isEmpty());
        var letter = kafka().records(DEAD_LETTERS, poison).get(0);
        assertThat(KafkaTestClient.header(letter, "dead-letter-space")).isEqualTo("poison");
        assertThat(KafkaTestClient.header(letter, "dead-letter-status")).isEqualTo("500");
        assertThat(KafkaTestClient.header(letter, "dead-letter-reason")).contains("HTTP 500")
                .contains((MAX_ATTEMPTS + 1) + " attempts"); // its budget, then one more try once the space answered
        assertThat(covered("poison", poison)).isEmpty();
    }

    /**
     * Every request of a space fails (500/503) for thousands of quick retries, as in a long outage: nothing is
     * dead-lettered (the space answers nothing, so no body is to blame), no stack grows, and once the space answers,
     * every notification is delivered once.
     */
    @Test
    @Order(4)
    void aLongOutageDeadLettersNothingGrowsNoStackAndEndsDelivered() throws Exception {
        String prefix = "outage-" + RUN + "-";
        int before = chat.requests(simulated("flaky"));
        chat.faults(simulated("flaky"), new GoogleChatSimulator.Faults(1.0, 0, 0));
        for (int i = 0; i < 3; i++) {
            send(prefix + i, "flaky-test", "during the outage " + i);
        }
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> chat.requests(simulated("flaky")) - before >= 6000);
        chat.faults(simulated("flaky"), GoogleChatSimulator.Faults.NONE);
        // Within a few backoffs of the end; generous, as a loaded machine takes its time.
        await().atMost(Duration.ofSeconds(90)).until(() -> covered("flaky", prefix).size() == 3);
        Thread.sleep(500);
        assertThat(covered("flaky", prefix).values()).allMatch(count -> count == 1);
        assertThat(kafka().records(DEAD_LETTERS, r -> new String(r.key(), StandardCharsets.UTF_8)
                .startsWith(prefix))).isEmpty();
        assertThat(Files.readString(logFile())).doesNotContain("StackOverflowError");
    }

    /**
     * A 429 asking for an hour, and a shared schedule already pushed an hour ahead (by an instance of an older
     * version, say): neither stops the space for longer than {@code delivery.max-retry-after} (1 s here).
     */
    @Test
    @Order(5)
    void retryAfterIsCappedAndCannotPushTheSharedScheduleBeyondTheCap() {
        String first = "throttled-" + RUN + "-1";
        chat.throttleNext(simulated("throttled"), 1, "3600");
        send(first, "throttled-test", "after an hour-long Retry-After");
        await().atMost(Duration.ofSeconds(10)).until(() -> !covered("throttled", first).isEmpty());

        long redisNowMillis = Long.parseLong(redis.execute("TIME").get(0).toString()) * 1000;
        redis.execute("SET", KEY_PREFIX + ":{throttled}:next", Long.toString(redisNowMillis + 3_600_000));
        String second = "throttled-" + RUN + "-2";
        send(second, "throttled-test", "after a schedule pushed an hour ahead");
        await().atMost(Duration.ofSeconds(10)).until(() -> !covered("throttled", second).isEmpty());
    }

    private long committedOffset() throws Exception {
        try (Admin admin = Admin.create(Infrastructure.get().kafkaClientProperties())) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(NOTIFICATIONS, 0));
            return committed == null ? -1 : committed.offset();
        }
    }

    private long endOffset() throws Exception {
        TopicPartition partition = new TopicPartition(NOTIFICATIONS, 0);
        try (Admin admin = Admin.create(Infrastructure.get().kafkaClientProperties())) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
        }
    }

    private Map<String, Long> covered(String space, String prefix) {
        return chat.created(simulated(space)).stream().flatMap(c -> Notifications.covered(c).stream())
                .filter(id -> id.startsWith(prefix)).collect(Collectors.groupingBy(Function.identity(),
                        HashMap::new, Collectors.counting()));
    }

    private static double metric(String prefix) {
        return WorkerProcess.metric(given().get("/q/metrics").then().extract().asString(), prefix);
    }

    private static Path logFile() {
        return Path.of("target", "delivery-" + PROFILE + "-" + RUN + ".log");
    }
}
