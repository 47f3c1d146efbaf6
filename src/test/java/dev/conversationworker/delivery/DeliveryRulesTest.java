package dev.conversationworker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

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
}
