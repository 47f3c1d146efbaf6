package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.Severity;

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
    void withoutQuotingItJudgesTheSameButRepeatsNothingTheCustomerWrote() {
        List<HistoryEntry> history = List.of(user("My name is Jane Doe. Why was my card 4111 1111 1111 1111 charged "
                + "twice? This is fraud."), bot("Checking."));
        AnalysisResult quoting = analyzer.analyse(history);
        AnalysisResult silent = analyzer.analyseWithoutQuoting(history);

        assertThat(quoting.summary()).contains("Jane Doe");
        assertThat(silent.userQuestions()).isEmpty();
        assertThat(silent.summary()).isEqualTo("2 messages, 1 from the user, 1 question(s), alarm keywords of "
                + "severity critical.");
        assertThat(silent).usingRecursiveComparison().ignoringFields("userQuestions", "summary").isEqualTo(quoting);
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

    @Test
    void adversarialTextOfTheLargestStoredConversationIsAnalysedInLinearTime() {
        // history.max-messages (200) messages of history.max-message-chars (4000): shapes that make a
        // backtracking regex quadratic, e.g. a long run of dots that is not at the end.
        List<HistoryEntry> history = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            history.add(user(switch (i % 8) {
                case 0 -> ".".repeat(3999) + "x";
                case 1 -> "!.".repeat(1999) + " x";
                case 2 -> "?".repeat(3999) + "x";
                case 3 -> "!".repeat(3999) + "\u00A0";
                case 4 -> " ".repeat(1999) + "\t".repeat(2000) + "x";
                case 5 -> "\uD83D\uDE00".repeat(1999) + ".!";
                case 6 -> "a.".repeat(1999) + " k";
                default -> "Có được không. ".repeat(266) + "gì";
            }));
        }
        AnalysisResult r = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> analyzer.analyse(history));
        assertThat(r.userQuestions()).isNotEmpty().allSatisfy(q -> assertThat(q).hasSizeLessThanOrEqualTo(
                ResultSchema.MAX_QUESTION_CHARS));
    }

    @Test
    void aQuestionEndingInAVietnameseParticleIsFoundDespiteTrailingPunctuation() {
        AnalysisResult r = analyzer.analyse(List.of(user("Tôi đổi được không!!. Cảm ơn.")));
        assertThat(r.userQuestions()).containsExactly("Tôi đổi được không!!.");
    }

    @Test
    void vietnameseTypedWithoutDiacriticsStillAlarmsOnPhrasesOfTwoWordsOrMore() {
        assertThat(analyzer.analyse(List.of(user("shop oi em bi tru tien hai lan roi"))).severity())
                .isEqualTo(Severity.HIGH);
        // "gap" is "gấp" (urgent) but also "gặp" (to meet): one word without its marks is not enough.
        assertThat(analyzer.analyse(List.of(user("mai em gap shop nhe"))).severity()).isEqualTo(Severity.NONE);
    }

    @Test
    void aParcelOrAConditionIsNoLawsuit() {
        AnalysisResult r = analyzer.analyse(List.of(user("Kiện hàng của tôi tới đâu rồi? Điều kiện đổi trả là gì?")));
        assertThat(r.severity()).isEqualTo(Severity.NONE);
        assertThat(analyzer.analyse(List.of(user("Tôi sẽ khởi kiện công ty các bạn."))).severity())
                .isEqualTo(Severity.CRITICAL);
    }

    private static HistoryEntry user(String text) {
        return new HistoryEntry("e", "user", text, "2026-11-24T10:00:00Z");
    }

    private static HistoryEntry bot(String text) {
        return new HistoryEntry("e", "assistant", text, "2026-11-24T10:00:00Z");
    }
}
