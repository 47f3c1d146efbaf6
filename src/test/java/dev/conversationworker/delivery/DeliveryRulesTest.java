package dev.conversationworker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import dev.conversationworker.model.Severity;

/** Routing, requestIds, pacing decisions and Google's verdicts: pure rules. */
class DeliveryRulesTest {

    @Test
    void routesByTheFirstMatchingNamedSpaceElseTheDefault() {
        Routing routing = new Routing("default", List.of(new Routing.Route("ops", null, List.of("operational")),
                new Routing.Route("pager", List.of("critical"), null), new Routing.Route("nothing", null, null)));
        assertThat(routing.spaceFor("critical", "attention")).isEqualTo("pager");
        assertThat(routing.spaceFor("critical", "operational")).isEqualTo("ops");
        assertThat(routing.spaceFor("HIGH", "attention")).isEqualTo("default");
        assertThat(routing.spaceFor(null, null)).isEqualTo("default");
    }

    @Test
    void requestIdsAreStableAndDerivedFromTheDedupeKeyOnly() {
        assertThat(RequestIds.of("attention:a-1")).isEqualTo(RequestIds.of("attention:a-1"))
                .isNotEqualTo(RequestIds.of("attention:a-2")).startsWith("cw-").hasSize(35);
        assertThat(RequestIds.ofDigest(List.of("b", "a"))).isEqualTo(RequestIds.ofDigest(Set.of("a", "b")));
    }

    @Test
    void theUrlCarriesTheThreadOptionAndRequestIdAndTheSpacePrintsOnlyItsName() {
        Space space = new Space("ops", "https://chat.googleapis.com/v1/spaces/S/messages?key=K&token=T");
        assertThat(space.postUrl("cw-1")).isEqualTo("https://chat.googleapis.com/v1/spaces/S/messages?key=K&token=T"
                + "&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&requestId=cw-1");
        assertThat(space.toString()).isEqualTo("ops");
        assertThatThrownBy(() -> new Space("x", " ")).hasMessageNotContaining("http");
        // A URL without its scheme (a common paste error) fails at start-up, naming the space and not the secret.
        assertThatThrownBy(() -> new Space("pager", "chat.googleapis.com/v1/spaces/S/messages?key=K1&token=T1"))
                .hasMessageContaining("pager").hasMessageNotContaining("K1").hasMessageNotContaining("T1");
    }

    @Test
    void digestsOnlyWhenTheBacklogWouldTakeLongerThanTheMaxDelayAndSlowsDownOn429() {
        Pace pace = new Pace(1, Duration.ofMinutes(2));
        assertThat(pace.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(pace.digestNow(120)).isFalse();
        assertThat(pace.digestNow(121)).isTrue();
        pace.throttled();
        assertThat(pace.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(pace.digestNow(61)).isTrue();
        for (int i = 0; i < 50; i++) {
            pace.accepted();
        }
        assertThat(pace.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new Pace(0, Duration.ZERO)).hasMessageContaining("delivery.max-per-second");
    }

    @Test
    void googlesAnswersAreSortedIntoVerdicts() {
        assertThat(new WebhookReply(200, null, "{}").verdict()).isEqualTo(WebhookReply.Verdict.ACCEPTED);
        assertThat(new WebhookReply(429, null, "").verdict()).isEqualTo(WebhookReply.Verdict.THROTTLED);
        assertThat(new WebhookReply(503, null, "").verdict()).isEqualTo(WebhookReply.Verdict.RETRY);
        assertThat(new WebhookReply(401, null, "").verdict()).isEqualTo(WebhookReply.Verdict.REFUSED);
        assertThat(new WebhookReply(404, null, "").verdict()).isEqualTo(WebhookReply.Verdict.REFUSED);
        WebhookReply bad = new WebhookReply(400, null, "{\"error\":{\"code\":400,\"message\":\"Invalid\\ntext\"}}");
        assertThat(bad.verdict()).isEqualTo(WebhookReply.Verdict.REJECTED);
        assertThat(bad.errorMessage()).isEqualTo("Invalid\\ntext");
        assertThat(new WebhookReply(429, "2", "").retryAfterMillis()).isEqualTo(2000);
        assertThat(new WebhookReply(429, null, "").retryAfterMillis()).isEqualTo(-1);
    }

    /** What waits in Redis comes back whole: a dead letter still carries the record's headers and origin. */
    @Test
    void aParkedEntryComesBackWholeAndAnUnreadableOneIsDropped() {
        Pending pending = new Pending(new Origin("oncall-notifications", 2, 41, List.of(
                new RecordHeader("dedupe-key", "attention:c-1".getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("traceparent", new byte[]{0, (byte) 0xff}))), "{\"text\":\"é ✓\"}", "attention:c-1",
                Severity.CRITICAL, "attention", "c-1", Instant.ofEpochMilli(1_764_000_000_123L), 0, 0, false, null);
        String entry = ParkedEntry.encode(pending);
        assertThat(entry).as("the scripts read the age from the entry's start").startsWith("{\"ts\":1764000000123,");
        Pending back = ParkedEntry.decode(7, entry);
        assertThat(back.body()).isEqualTo(pending.body());
        assertThat(back.dedupeKey()).isEqualTo("attention:c-1");
        assertThat(back.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(back.conversationId()).isEqualTo("c-1");
        assertThat(back.timestamp()).isEqualTo(pending.timestamp());
        assertThat(back.seq()).isEqualTo(7);
        assertThat(back.size()).isEqualTo(entry.getBytes(StandardCharsets.UTF_8).length);
        assertThat(back.origin().topic()).isEqualTo("oncall-notifications");
        assertThat(back.origin().partition()).isEqualTo(2);
        assertThat(back.origin().offset()).isEqualTo(41);
        assertThat(back.origin().headers()).extracting(Header::key).containsExactly("dedupe-key", "traceparent");
        assertThat(back.origin().headers().get(1).value()).containsExactly(0, (byte) 0xff);
        assertThat(ParkedEntry.decode(1, "not json")).isNull();
        assertThat(ParkedEntry.idOf("attention:c-1")).isEqualTo(ParkedEntry.idOf("attention:c-1"))
                .isNotEqualTo(ParkedEntry.idOf("attention:c-2"));
    }
}
