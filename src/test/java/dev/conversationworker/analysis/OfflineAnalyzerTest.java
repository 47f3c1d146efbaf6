package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conversationworker.history.HistoryEntry;

class OfflineAnalyzerTest {

    private final OfflineAnalyzer analyzer = new OfflineAnalyzer();

    @Test
    void extractsVietnameseQuestionsAndSeesAnAccountProblem() {
        AnalysisResult r = analyzer.analyse(List.of(user("Làm sao để đổi mật khẩu?"), bot("Vào Cài đặt."),
                user("Tôi bị khóa tài khoản rồi, có mở được không")));
        assertThat(r.language()).isEqualTo("vi");
        assertThat(r.userQuestions()).containsExactly("Làm sao để đổi mật khẩu?",
                "Tôi bị khóa tài khoản rồi, có mở được không");
        assertThat(r.intent()).isEqualTo("account_access");
        assertThat(r.severity()).isEqualTo(Severity.HIGH);
        assertThat(r.needsAttention()).isTrue();
    }

    @Test
    void fraudIsCriticalAndAngerIsNegative() {
        AnalysisResult r = analyzer.analyse(List.of(user("This is fraud. I am angry, the app is useless and broken!")));
        assertThat(r.language()).isEqualTo("en");
        assertThat(r.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(r.sentiment()).isEqualTo("negative");
    }

    @Test
    void aThankfulQuestionNeedsNobody() {
        AnalysisResult r = analyzer.analyse(List.of(user("How do I export my data?"), bot("Settings > Export."),
                user("Great, thanks!")));
        assertThat(r.userQuestions()).containsExactly("How do I export my data?");
        assertThat(r.sentiment()).isEqualTo("positive");
        assertThat(r.severity()).isEqualTo(Severity.NONE);
        assertThat(r.needsAttention()).isFalse();
        assertThat(r.summary()).contains("3 messages").contains("How do I export my data?");
    }

    private static HistoryEntry user(String text) {
        return new HistoryEntry("e", "user", text, "2026-11-24T10:00:00Z");
    }

    private static HistoryEntry bot(String text) {
        return new HistoryEntry("e", "assistant", text, "2026-11-24T10:00:00Z");
    }
}
