package dev.conversationworker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.googlechat.GoogleChat;
import dev.conversationworker.model.Severity;

class DigestBuilderTest {

    static Pending pending(String conversation, Severity severity, String dedupeKey, String summary) {
        String body = new JsonObject().put("text", "🔴 *HIGH*: conversation " + conversation + " needs attention\n"
                + "Intent: x\nSummary: " + summary).put("thread", new JsonObject().put("threadKey", "t")).encode();
        return new Pending(new Origin("notifications", 0, 0, List.of()), body, dedupeKey, severity, "attention",
                conversation, Instant.parse("2026-11-30T10:00:00Z"), 0, body.length(), false, null);
    }

    @Test
    void aDigestNamesEveryConversationItCoversMostSevereFirstAndKeepsGooglesLimits() {
        List<Pending> waiting = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Severity severity = i % 7 == 0 ? Severity.CRITICAL : Severity.HIGH;
            waiting.add(pending("c-" + i, severity, "k-" + i, "a summary that is long enough ".repeat(10)));
        }
        List<Pending> sorted = waiting.stream().sorted(Pending.MOST_SEVERE_FIRST).toList();
        Set<String> covered = new HashSet<>();
        List<Pending> rest = new ArrayList<>(sorted);
        int digests = 0;
        while (!rest.isEmpty()) {
            DigestBuilder.Digest digest = DigestBuilder.build(rest);
            digests++;
            JsonObject body = new JsonObject(digest.body());
            assertThat(digest.body().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(GoogleChat.MAX_MESSAGE_BYTES);
            assertThat(body.getString("text").length()).isLessThanOrEqualTo(GoogleChat.MAX_TEXT_CHARS);
            int widgets = body.getJsonArray("cardsV2").getJsonObject(0).getJsonObject("card").getJsonArray("sections")
                    .getJsonObject(0).getJsonArray("widgets").size();
            assertThat(widgets).isLessThanOrEqualTo(GoogleChat.MAX_WIDGETS_PER_CARD).isEqualTo(digest.covered().size());
            assertThat(body.getJsonObject("thread").getString("threadKey")).isNotBlank();
            for (Pending p : digest.covered()) {
                assertThat(body.getString("text")).containsPattern(" " + p.conversationId() + "(\n|$)");
                assertThat(covered.add(p.conversationId())).isTrue();
            }
            rest.removeAll(digest.covered());
        }
        assertThat(covered).hasSize(500);
        assertThat(digests).isBetween(5, 40);
        String first = new JsonObject(DigestBuilder.build(sorted).body()).getString("text");
        assertThat(first.indexOf("CRITICAL")).isLessThan(first.indexOf("HIGH"));
    }

    @Test
    void equalDedupeKeysCollapseIntoOneLine() {
        List<Pending> waiting = List.of(pending("worker", Severity.HIGH, "dead-letters:1", "x"),
                pending("worker", Severity.HIGH, "dead-letters:1", "x"), pending("c-1", Severity.HIGH, "k", "y"));
        DigestBuilder.Digest digest = DigestBuilder.build(waiting);
        assertThat(digest.covered()).hasSize(3);
        assertThat(new JsonObject(digest.body()).getString("text")).startsWith("📋 *Digest: 2 notifications*");
    }

    @Test
    void theSummaryIsTheSummaryLineWithoutMarkupAndIdsAreNeutralised() {
        assertThat(DigestBuilder.summary(pending("c", Severity.HIGH, "k", "*bold* <users/all> ok").body()))
                .isEqualTo("bold users/all ok");
        assertThat(DigestBuilder.summary("not json")).isEqualTo("(no text)");
        assertThat(DigestBuilder.safeId("c-1 <users/all>")).isEqualTo("c-1??users∕all?");
    }

    /** An id that reads as a URL, an address or a mention becomes none of them, in the text and in the card. */
    @Test
    void conversationIdsBecomeNoLinkNoAddressAndNoMentionInADigest() {
        String url = "https://evil.example/login?next=x";
        String address = "oncall@corp.example";
        assertThat(DigestBuilder.safeId(url)).doesNotContain(":", "/", ".").contains("https", "evil", "example");
        assertThat(DigestBuilder.safeId(address)).doesNotContain("@", ".").contains("oncall", "corp");
        JsonObject body = new JsonObject(DigestBuilder.build(List.of(pending(url, Severity.HIGH, "k1", "x"),
                pending(address, Severity.HIGH, "k2", "y"))).body());
        String text = body.getString("text");
        String card = body.getJsonArray("cardsV2").encode();
        for (String shown : List.of(text, card)) {
            assertThat(shown).doesNotContain("https:", "//", "evil.example", "@corp", "corp.example");
        }
    }
}
