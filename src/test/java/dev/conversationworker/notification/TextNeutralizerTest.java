package dev.conversationworker.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class TextNeutralizerTest {

    @Test
    void linksMentionsMarkupAndInvisibleCharactersAreDefused() {
        assertThat(TextNeutralizer.defuse("  see HTTPS://x.example/a and ftp:/y, WWW.z.example <users/all> *b*\u200B "
                + "\u202Eabc\u0000\t\nnext\u2028line"))
                .isEqualTo("see HTTPS[:]//x.example/a and ftp[:]//y, www[.]z.example ‹users/all› ∗b∗ abc next line");
        assertThat(TextNeutralizer.defuse("awww.example no://// www.")).isEqualTo("awww.example no[:]// www[.]");
    }

    @Test
    void vietnameseAndEmojiStay() {
        assertThat(TextNeutralizer.defuse("Làm sao để đổi mật khẩu? 😡👍🏽"))
                .isEqualTo("Làm sao để đổi mật khẩu? 😡👍🏽");
    }

    @Test
    void adversarialTextIsDefusedInLinearTime() {
        // The old scheme regex backtracked over a.a.a.… quadratically: seconds for text of this size.
        List<String> shapes = List.of("a.".repeat(100_000), "a".repeat(200_000) + ":", "w".repeat(200_000),
                ":".repeat(200_000), "\u200B ".repeat(100_000), " ".repeat(200_000) + "x",
                "😀".repeat(100_000), "www.".repeat(50_000));
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> shapes.forEach(s -> {
            String defused = TextNeutralizer.forCard(s, 500);
            assertThat(defused.length()).isLessThanOrEqualTo(500 * 6);
        }));
    }
}
