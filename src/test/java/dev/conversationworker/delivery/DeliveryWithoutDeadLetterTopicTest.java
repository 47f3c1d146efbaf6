package dev.conversationworker.delivery;

import static dev.conversationworker.testsupport.DeliveryFaultsTestResource.RUN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.DeliveryFaultsTestResource;
import dev.conversationworker.testsupport.DeliveryTestResource;
import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.Notifications;
import dev.conversationworker.testsupport.WithoutDeliveryDeadLetters;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * The dead-letter topic cannot be written (missing where the broker creates no topics; here a name Kafka refuses): a
 * notification Google rejects (400) is tried a bounded number of times, then given up loudly (an ERROR line with its
 * dedupe-key and origin, and a counter), and its space goes on delivering.
 */
@QuarkusTest
@TestProfile(WithoutDeliveryDeadLetters.class)
class DeliveryWithoutDeadLetterTopicTest {

    private static final String PROFILE = "nodlq";
    private static final String NOTIFICATIONS = "delivery-" + PROFILE + "-notifications-" + RUN;

    private final GoogleChatSimulator chat = DeliveryTestResource.simulator();

    @Test
    void aRejectedNotificationThatCannotBeDeadLetteredIsLoggedCountedAndItsSpaceGoesOn() throws Exception {
        KafkaTestClient kafka = new KafkaTestClient(Infrastructure.get(), NOTIFICATIONS, "conversation-analyses",
                NOTIFICATIONS, "chat-events-dlq");
        String rejected = "rejected-" + RUN;
        String accepted = "accepted-" + RUN;
        for (String[] record : new String[][]{{rejected, "x".repeat(5000)}, {accepted, "fine"}}) {
            // The rejected one is longer than Google takes (and the contract says) on purpose.
            (record[0].equals(rejected) ? kafka.unchecked() : kafka).send(null,
                    record[0].getBytes(StandardCharsets.UTF_8), Notifications.body(record[0], "high",
                            record[1]).getBytes(StandardCharsets.UTF_8),
                    Notifications.headers("high", "attention", "attention:" + record[0]));
        }
        String space = DeliveryFaultsTestResource.simulated(PROFILE, "default");
        await().atMost(Duration.ofSeconds(90)).until(() -> chat.created(space).stream()
                .anyMatch(c -> Notifications.covered(c).contains(accepted)));
        assertThat(WorkerProcess.metric(given().get("/q/metrics").then().extract().asString(),
                "cw_delivery_dead_letters_failed_total{space=\"default\"}")).isEqualTo(1);
        String log = Files.readString(Path.of("target", "delivery-" + PROFILE + "-" + RUN + ".log"));
        assertThat(log.lines().filter(l -> l.contains("ERROR") && l.contains("attention:" + rejected)))
                .as("one ERROR line naming the notification given up").hasSize(1);
        assertThat(chat.created(space).stream().flatMap(c -> Notifications.covered(c).stream()))
                .doesNotContain(rejected);
    }
}
