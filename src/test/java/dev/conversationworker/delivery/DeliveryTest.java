package dev.conversationworker.delivery;

import static dev.conversationworker.testsupport.DeliveryTestResource.DEAD_LETTERS;
import static dev.conversationworker.testsupport.DeliveryTestResource.KEY;
import static dev.conversationworker.testsupport.DeliveryTestResource.KEY_PREFIX;
import static dev.conversationworker.testsupport.DeliveryTestResource.NOTIFICATIONS;
import static dev.conversationworker.testsupport.DeliveryTestResource.RUN;
import static dev.conversationworker.testsupport.DeliveryTestResource.TOKEN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.Severity;
import dev.conversationworker.testsupport.DeliveryTestResource;
import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.MonitoringNames;
import dev.conversationworker.testsupport.Notifications;
import dev.conversationworker.testsupport.WithDelivery;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * A delivery-only worker against a real local Google Chat simulator, through real Kafka and Redis: a burst paced,
 * threaded, digested and never doubled, also when Google's answers get lost; a message begun by a sender that died
 * sent again as it was; a rejected message dead-lettered with Google's reason; a revoked webhook stopping its space
 * until fixed; and the webhook's key and token nowhere.
 */
@QuarkusTest
@TestProfile(WithDelivery.class)
class DeliveryTest {

    private static KafkaTestClient kafka;
    private final GoogleChatSimulator chat = DeliveryTestResource.simulator();

    @Inject
    SendingUnits units;

    @Inject
    WebhookClient webhooks;

    @Inject
    RedisDataSource redis;

    private static synchronized KafkaTestClient kafka() {
        if (kafka == null) {
            kafka = new KafkaTestClient(Infrastructure.get(), NOTIFICATIONS, "conversation-analyses", NOTIFICATIONS,
                    DEAD_LETTERS);
        }
        return kafka;
    }

    private void send(String conversation, String severity, String kind, String dedupeKey, String body) {
        // A kind of the test's own routes the record to its space: off the contract (attention, operational) on
        // purpose.
        ("attention".equals(kind) ? kafka() : kafka().unchecked()).send(null,
                conversation.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8),
                Notifications.headers(severity, kind, dedupeKey));
    }

    @Test
    void aBurstOf500IsDeliveredCompletelyAtThePaceThreadedAndNoConversationTwice() throws Exception {
        chat.faults("default", new GoogleChatSimulator.Faults(0.05, 0.05, 0.03, 0.05));
        int lostBefore = chat.answersLost();
        int requestsBefore = chat.requests("default");
        long start = System.nanoTime();
        for (int i = 0; i < 500; i++) {
            String conversation = "burst-" + RUN + "-" + i;
            String severity = i % 10 == 0 ? "critical" : "high";
            String body = Notifications.body(conversation, severity, "The customer cannot log in (" + i + ")");
            send(conversation, severity, "attention", "attention:" + conversation, body);
            if (i % 50 == 0) {
                // the same notification again (a redelivery upstream): never a second card
                send(conversation, severity, "attention", "attention:" + conversation, body);
            }
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> covered("default", "burst-" + RUN).size() >= 500);
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(2000); // anything sent twice would arrive now

        Map<String, Long> covered = covered("default", "burst-" + RUN);
        assertThat(covered).hasSize(500);
        assertThat(covered.values()).as("no conversation's card created twice").allMatch(count -> count == 1);
        List<GoogleChatSimulator.Created> created = chat.created("default");
        assertThat(created).as("every message threaded").allMatch(c -> c.replyOptionSet() && c.threadKey() != null);
        assertThat(chat.maxCreatedInAnySecond("default")).as("20 per second, one of tolerance at a window's edge")
                .isLessThanOrEqualTo(21);
        long digests = created.stream().filter(c -> Notifications.DIGEST_THREAD.equals(c.threadKey())).count();
        assertThat(digests).as("a burst longer than max-delay is digested").isPositive();
        System.out.printf("[delivery] burst of 500 (+10 repeats) delivered in %.1f s: %d messages (%d digests), "
                + "%d requests, %d 429 from the rate, %d answers lost after creation, %d requestIds repeated%n",
                seconds, created.size(), digests, chat.requests("default") - requestsBefore,
                chat.throttledByRate("default"), chat.answersLost() - lostBefore, chat.repeatedRequestIds());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("cw_delivery_delivered_total{space=\"default\"}") >= 500);
        assertNoSecretLeaked();
        chat.faults("default", GoogleChatSimulator.Faults.NONE);
    }

    @Test
    void aMessageGoogleRejectsIsDeadLetteredWithItsReasonAndTheSpaceGoesOn() throws Exception {
        String bad = "rejected-" + RUN;
        String good = "accepted-" + RUN;
        send(bad, "high", "reject-test", "attention:" + bad, Notifications.body(bad, "high", "x".repeat(5000)));
        send(good, "high", "reject-test", "attention:" + good, Notifications.body(good, "high", "fine"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !kafka().records(DEAD_LETTERS, bad).isEmpty()
                && chat.created("rejects").stream().anyMatch(c -> Notifications.covered(c).contains(good)));
        ConsumerRecord<byte[], byte[]> letter = kafka().records(DEAD_LETTERS, bad).get(0);
        assertThat(KafkaTestClient.header(letter, "dead-letter-status")).isEqualTo("400");
        assertThat(KafkaTestClient.header(letter, "dead-letter-google-message")).contains("4096");
        assertThat(KafkaTestClient.header(letter, "dead-letter-reason")).contains("HTTP 400");
        assertThat(KafkaTestClient.header(letter, "dead-letter-space")).isEqualTo("rejects");
        assertThat(KafkaTestClient.header(letter, "dedupe-key")).isEqualTo("attention:" + bad);
        for (var header : letter.headers()) {
            assertThat(new String(header.value(), StandardCharsets.UTF_8)).doesNotContain(KEY).doesNotContain(TOKEN)
                    .doesNotContain("http");
        }
        assertThat(chat.created("rejects").stream().flatMap(c -> Notifications.covered(c).stream()))
                .doesNotContain(bad);
        assertNoSecretLeaked();
    }

    @Test
    void aRevokedWebhookStopsItsSpaceWithReadinessDownUntilFixedThenCatchesUp() throws Exception {
        chat.revoke("revoked", true);
        String prefix = "revoked-" + RUN + "-";
        for (int i = 0; i < 5; i++) {
            send(prefix + i, "high", "revoke-test", "attention:" + prefix + i,
                    Notifications.body(prefix + i, "high", "waits"));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503).body(org.hamcrest.Matchers.containsString("revoked")));
        Thread.sleep(3000); // probes go on, refused
        assertThat(chat.created("revoked")).isEmpty();
        assertThat(metric("cw_delivery_backlog{space=\"revoked\"}")).isEqualTo(5);

        chat.revoke("revoked", false);
        await().atMost(Duration.ofSeconds(30)).until(() -> covered("revoked", prefix).size() == 5);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200));
        assertThat(covered("revoked", prefix).values()).allMatch(count -> count == 1);
        String log = Files.readString(logFile());
        assertThat(log).containsOnlyOnce("CW0704").contains("CW0705");
        assertNoSecretLeaked();
    }

    /**
     * As after a SIGKILL: an earlier sender, holding the space, had begun two digests (remembered in Redis) and
     * died, one created by Google with its answer lost, the other never POSTed. Once its lease has run out, their
     * notifications are delivered here, where they arrive one by one, which alone would make single messages: each
     * digest is sent again as it was, and no conversation is in two messages.
     */
    @Test
    void aMessageBegunByAnEarlierSenderIsSentAgainAsItWasAndNoConversationIsInTwo() throws Exception {
        String prefix = "resume-" + RUN + "-";
        List<Pending> pendings = pendings(prefix, 8);
        holdAsAnotherInstance("resume", "earlier-sender", Duration.ofSeconds(2));
        SendingUnit created = begun("resume", "earlier-sender", pendings.subList(0, 4));
        SendingUnit notPosted = begun("resume", "earlier-sender", pendings.subList(4, 6));
        WebhookReply first = webhooks.post(new Space("resume", DeliveryTestResource.resumeUrl()),
                created.requestId(), created.body()).await().atMost(Duration.ofSeconds(10));
        assertThat(first.verdict()).isEqualTo(WebhookReply.Verdict.ACCEPTED);

        for (Pending p : pendings) {
            send(p.conversationId(), "high", "resume-test", p.dedupeKey(), p.body());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> covered("resume", prefix).size() == 8);
        Thread.sleep(2000); // anything sent twice would arrive now

        assertThat(covered("resume", prefix).values()).as("no conversation in two messages")
                .allMatch(count -> count == 1);
        assertThat(chat.repeats(created.requestId())).as("the created digest asked for again").isPositive();
        assertThat(chat.created("resume")).filteredOn(c -> notPosted.requestId().equals(c.requestId()))
                .as("the digest never POSTed, created as it was begun").hasSize(1)
                .allMatch(c -> c.body().equals(new JsonObject(notPosted.body())));
        assertThat(units.find("resume", pendings.get(0).dedupeKey()).await().atMost(Duration.ofSeconds(5)))
                .as("a settled message is forgotten").isNull();
        assertThat(Files.readString(logFile())).contains("CW0713");
    }

    /**
     * Another instance holds the space (its lease is live, as during a rollout or a rebalance): this one sends
     * nothing there, cannot begin a message there, and no message is begun over another one not settled. When the
     * other stops renewing, this one takes the space over and sends what the other had begun exactly as it was:
     * the old and the new holder never send two compositions covering the same conversation.
     */
    @Test
    void aSpaceAnotherInstanceHoldsIsLeftToItThenTakenOverWithoutAConversationInTwoMessages() throws Exception {
        String prefix = "leased-" + RUN + "-";
        List<Pending> pendings = pendings(prefix, 5);
        holdAsAnotherInstance("leased", "other-instance", Duration.ofSeconds(6));
        SendingUnit digest = begun("leased", "other-instance", pendings.subList(0, 3));

        SendingUnit single = new SendingUnit(RequestIds.of(pendings.get(3).dedupeKey()), pendings.get(3).body(),
                List.of(pendings.get(3).dedupeKey()), false);
        assertThat(units.begin("leased", "not-the-holder", single).await().atMost(Duration.ofSeconds(5)).notHolder())
                .as("only the holder of the space begins a message").isTrue();
        SendingUnit overlapping = new SendingUnit(RequestIds.of(pendings.get(2).dedupeKey()), pendings.get(2).body(),
                List.of(pendings.get(2).dedupeKey()), false);
        assertThat(units.begin("leased", "other-instance", overlapping).await().atMost(Duration.ofSeconds(5)).other())
                .as("a message not settled is never overwritten by another covering its conversation")
                .isEqualTo(digest.requestId());

        for (Pending p : pendings) {
            send(p.conversationId(), "high", "lease-test", p.dedupeKey(), p.body());
        }
        Thread.sleep(3000);
        assertThat(chat.created("leased")).as("nothing sent while another instance holds the space").isEmpty();

        await().atMost(Duration.ofSeconds(30)).until(() -> covered("leased", prefix).size() == 5);
        Thread.sleep(1000);
        assertThat(covered("leased", prefix).values()).as("no conversation in two messages")
                .allMatch(count -> count == 1);
        assertThat(chat.created("leased")).filteredOn(c -> digest.requestId().equals(c.requestId()))
                .as("the other instance's digest, sent as it was begun").hasSize(1)
                .allMatch(c -> c.body().equals(new JsonObject(digest.body())));
        assertThat(Files.readString(logFile())).contains("CW0719");
    }

    private static List<Pending> pendings(String prefix, int count) {
        List<Pending> pendings = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String body = Notifications.body(prefix + i, "high", "begun " + i);
            pendings.add(new Pending(new Origin(NOTIFICATIONS, 0, 0, List.of()), body, "attention:" + prefix + i,
                    Severity.HIGH, "attention", prefix + i, Instant.now(), 0, body.length(), false, null));
        }
        return pendings;
    }

    /** Takes the space's lease for another instance's token, as if it held the space, for {@code lease}. */
    private void holdAsAnotherInstance(String space, String token, Duration lease) {
        redis.execute("SET", KEY_PREFIX + ":{" + space + "}:owner", token, "PX", Long.toString(lease.toMillis()));
    }

    private SendingUnit begun(String space, String token, List<Pending> pendings) {
        DigestBuilder.Digest digest = DigestBuilder.build(pendings);
        SendingUnit unit = new SendingUnit(digest.requestId(), digest.body(),
                pendings.stream().map(Pending::dedupeKey).toList(), true);
        assertThat(units.begin(space, token, unit).await().atMost(Duration.ofSeconds(5)).begun()).isTrue();
        return unit;
    }

    private Map<String, Long> covered(String space, String prefix) {
        return chat.created(space).stream().flatMap(c -> Notifications.covered(c).stream())
                .filter(id -> id.startsWith(prefix)).collect(Collectors.groupingBy(Function.identity(),
                        HashMap::new, Collectors.counting()));
    }

    private static double metric(String prefix) {
        return WorkerProcess.metric(given().get("/q/metrics").then().extract().asString(), prefix);
    }

    private static Path logFile() {
        return Path.of("target", "delivery-test-" + RUN + ".log");
    }

    /** The alert rules and the dashboard ask only for delivery series a delivering worker exposes. */
    @Test
    void everyDeliveryMetricTheAlertsAndTheDashboardUseIsExposed() {
        String conversation = "monitoring-" + RUN;
        send(conversation, "high", "attention", "attention:" + conversation,
                Notifications.body(conversation, "high", "Monitoring check"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !covered("default", conversation).isEmpty());

        Set<String> used = MonitoringNames.used(name -> name.startsWith("cw_delivery_"));
        assertThat(used).as("delivery series in the rules and the dashboard").hasSizeGreaterThanOrEqualTo(4);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(MonitoringNames.exposed(
                given().get("/q/metrics").then().extract().asString())).containsAll(used));
    }

    /** The webhook's key and token: in no log line, metric, health answer. */
    private static void assertNoSecretLeaked() throws Exception {
        String log = Files.readString(logFile());
        assertThat(log).as("the log has delivery lines").contains("CW0701");
        String metrics = given().get("/q/metrics").then().extract().asString();
        String health = given().get("/q/health").then().extract().asString();
        for (String output : new String[]{log, metrics, health}) {
            assertThat(output).doesNotContain(KEY).doesNotContain(TOKEN).doesNotContain("token=");
        }
    }
}
