package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyInClearTest {

    @Test
    void aKeyOverPlainHttpToAnotherHostIsWarnedAbout() {
        assertThat(KeyInClear.wouldBeSent("http://llm.internal.example/v1", "sk-1")).isTrue();
        assertThat(KeyInClear.wouldBeSent("HTTP://10.0.3.7:8000/v1", "sk-1")).isTrue();
        assertThat(KeyInClear.wouldBeSent("http://127.example.com/v1", "sk-1")).isTrue();
        assertThat(KeyInClear.wouldBeSent("http://localhost.evil.example/v1", "sk-1")).isTrue();
        assertThat(KeyInClear.wouldBeSent("http://[2001:db8::1]:8000/v1", "sk-1")).isTrue();
    }

    @Test
    void httpsLoopbackOrNoKeyIsFine() {
        assertThat(KeyInClear.wouldBeSent("https://api.openai.com/v1", "sk-1")).isFalse();
        assertThat(KeyInClear.wouldBeSent("http://llm.internal.example/v1", null)).isFalse();
        assertThat(KeyInClear.wouldBeSent("http://llm.internal.example/v1", " ")).isFalse();
        assertThat(KeyInClear.wouldBeSent("http://localhost:11434/v1", "sk-1")).isFalse();
        assertThat(KeyInClear.wouldBeSent("http://LOCALHOST:11434/v1", "sk-1")).isFalse();
        assertThat(KeyInClear.wouldBeSent("http://ollama.localhost/v1", "sk-1")).isFalse();
        assertThat(KeyInClear.wouldBeSent("http://127.0.0.1:8000/v1", "sk-1")).isFalse();
        assertThat(KeyInClear.wouldBeSent("http://127.1.2.3:8000/v1", "sk-1")).isFalse();
        assertThat(KeyInClear.wouldBeSent("http://[::1]:8000/v1", "sk-1")).isFalse();
    }
}
