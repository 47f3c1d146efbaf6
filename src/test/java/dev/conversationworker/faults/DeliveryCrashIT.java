package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.DeliverySettings;
import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Notifications;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * The packaged worker, delivery only, killed with SIGKILL while a burst of 300 notifications goes to a webhook that
 * allows 5 messages per second, fails some requests and loses some answers: killed at the worst moment, when Google
 * has created a digest and its answer has not reached the worker. Restarted, it sends that digest again as it was
 * (Google returns the first), so every conversation reaches Chat, none is in two messages whatever their
 * composition, the pace is kept, every message is threaded, and the webhook's key and token are in no log line.
 */
@Tag("faults")
class DeliveryCrashIT {

    private static final String KEY = "AIzaSy-crash-KEY-SECRET-71c2";
    private static final String TOKEN = "crash-TOKEN-SECRET-0b9e";

    @Test
    void aSigkillMidBurstLosesNothingAndDuplicatesNothing() throws Exception {
        DeliveryBurst burst = new DeliveryBurst("delivery-crash", 1);
        try (GoogleChatSimulator chat = new GoogleChatSimulator()) {
            String url = DeliveryBurst.space(chat, KEY, TOKEN);
            // The kill comes while the first digest's answer is held: created by Google, unknown to the worker.
            CompletableFuture<GoogleChatSimulator.Created> held = chat.holdAnswer("oncall",
                    c -> Notifications.DIGEST_THREAD.equals(c.threadKey()));
            DeliverySettings settings = burst.settings(url);
            List<Path> logs = burst.logs;

            WorkerProcess worker = burst.start(settings);
            Instant start = Instant.now();
            int deliveredAtKill = -1;
            for (int i = 0; i < 300; i++) {
                burst.sendNotification(i);
                if (deliveredAtKill < 0 && held.isDone()) {
                    deliveredAtKill = burst.covered(chat).size();
                    System.out.printf("[delivery-crash] SIGKILL with a digest created and unanswered, %d of %d sent "
                            + "so far delivered%n", deliveredAtKill, i + 1);
                    worker.kill();
                    worker = burst.start(settings);
                }
                Thread.sleep(25);
            }
            if (deliveredAtKill < 0) { // the burst was all sent before the first digest: kill at that digest
                held.get(60, TimeUnit.SECONDS);
                deliveredAtKill = burst.covered(chat).size();
                System.out.printf("[delivery-crash] SIGKILL with a digest created and unanswered, %d of 300 "
                        + "delivered%n", deliveredAtKill);
                worker.kill();
                worker = burst.start(settings);
            }
            assertThat(deliveredAtKill).as("the kill landed mid-delivery").isBetween(1, 299);
            burst.awaitCovered(chat, 300, Duration.ofSeconds(90));
            Duration took = Duration.between(start, Instant.now());
            Thread.sleep(2000); // anything sent twice would arrive now
            String metrics = worker.metrics();
            worker.close();

            Map<String, Long> covered = burst.covered(chat);
            assertThat(covered).as("every conversation delivered").hasSize(300);
            assertThat(covered.entrySet()).as("no conversation in two messages, whatever their composition")
                    .allMatch(e -> e.getValue() == 1);
            assertThat(chat.repeats(held.get().requestId())).as("the digest created at the kill, asked for again")
                    .isPositive();
            assertThat(chat.created("oncall")).allMatch(c -> c.replyOptionSet() && c.threadKey() != null);
            assertThat(chat.maxCreatedInAnySecond("oncall")).isLessThanOrEqualTo(5);
            System.out.printf("[delivery-crash] 300 notifications, one SIGKILL: %d delivered in %d s as %d messages "
                    + "(%d digests, the held one covering %d); %d requests, %d answered 429 (%d by the rate), %d 5xx, "
                    + "%d answers lost after creation, %d requestIds repeated%n", covered.size(), took.toSeconds(),
                    chat.created("oncall").size(), burst.digests(chat), Notifications.covered(held.get()).size(),
                    chat.requests("oncall"), chat.answered(429), chat.throttledByRate("oncall"),
                    chat.answered(500) + chat.answered(503), chat.answersLost(), chat.repeatedRequestIds());
            assertThat(Files.readString(logs.get(1))).as("the restarted worker resumed the digest").contains("CW0713");
            for (Path log : logs) {
                assertThat(Files.readString(log)).doesNotContain(KEY).doesNotContain(TOKEN);
            }
            assertThat(metrics).doesNotContain(KEY).doesNotContain(TOKEN);
        }
    }
}
