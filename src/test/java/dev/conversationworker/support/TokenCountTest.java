package dev.conversationworker.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.knuddels.jtokkit.api.EncodingType;

class TokenCountTest {

    @Test
    void eachModelFamilyIsCountedWithItsOwnEncoding() {
        assertThat(TokenCount.encodingOf("gpt-4o-mini")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenCount.encodingOf("gpt-4o-2024-08-06")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenCount.encodingOf("openai/gpt-4.1-mini")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenCount.encodingOf("o3-mini")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenCount.encodingOf("gpt-4-turbo")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenCount.encodingOf("gpt-3.5-turbo")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenCount.encodingOf("llama-3.1-8b")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenCount.encodingOf("omni-moderation")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenCount.encodingOf(null)).isEqualTo(EncodingType.CL100K_BASE);
    }

    @Test
    void countsAsTheRealTokenizerDoes() {
        // tiktoken's own example: "tiktoken is great!" is 6 tokens in cl100k_base.
        assertThat(TokenCount.forModel("gpt-4").of("tiktoken is great!")).isEqualTo(6);
        // The same text is fewer tokens for o200k_base on Vietnamese (its larger vocabulary), never zero.
        String vietnamese = "Làm sao để đổi mật khẩu? Tôi bực lắm";
        assertThat(TokenCount.forModel("gpt-4o").of(vietnamese))
                .isPositive().isLessThan(TokenCount.forModel("gpt-4").of(vietnamese));
        // Customer text that spells a special token is ordinary text, as the API reads it (and does not throw).
        assertThat(TokenCount.forModel("gpt-4o").of("<|endoftext|>")).isGreaterThan(1);
        assertThat(TokenCount.forModel("gpt-4o").of("")).isZero();
    }

    @Test
    void aChatPromptIsItsTwoMessagesAsOpenAiCountsThem() {
        TokenCount count = TokenCount.forModel("gpt-4o-mini");
        int expected = 3 + (3 + count.of("system") + count.of("be brief")) + (3 + count.of("user") + count.of("hi"));
        assertThat(count.chatPromptTokens("be brief", "hi")).isEqualTo(expected);
    }

    /** What a budget reserves for a prompt is never less than its count, in any script, for both encodings. */
    @Test
    void theCheapBoundOfAPromptIsNeverBelowItsCount() {
        java.util.Random random = new java.util.Random(22);
        String[] words = {"refund", "hoàn tiền", "đơn hàng", "😡", "<|endoftext|>", "12345", "  ", "\n", "ｆｕｌｌ",
                "naïve", "€"};
        for (String model : new String[]{"gpt-4o-mini", "gpt-4"}) {
            TokenCount count = TokenCount.forModel(model);
            for (int i = 0; i < 300; i++) {
                StringBuilder user = new StringBuilder();
                for (int w = random.nextInt(200); w > 0; w--) {
                    user.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : "");
                }
                assertThat(count.chatPromptTokensAtMost("be brief", user.toString()))
                        .as(model + ": " + user).isGreaterThanOrEqualTo(count.chatPromptTokens("be brief",
                                user.toString()));
            }
            assertThat(TokenCount.atMost("héllo 😡")).isEqualTo("héllo 😡".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8).length);
        }
    }
}
