package dev.conversationworker.analysis;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.Severity;
import dev.conversationworker.support.SafeTruncation;

/**
 * A small built-in analyzer for when no LLM is configured: question extraction, a sentiment lexicon for English
 * and Vietnamese, severity from alarm phrases ({@link AlarmPhrases}). Crude on purpose; its answers are marked {@code provider: offline}. Pure.
 */
public final class OfflineAnalyzer {

    public static final String MODEL = "offline-lexicon-2";

    private static final Pattern VIETNAMESE = Pattern.compile(
            "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", Pattern.CASE_INSENSITIVE);
    private static final List<String> QUESTION_STARTS = List.of("how ", "what ", "why ", "when ", "where ", "who ",
            "which ", "can ", "could ", "is ", "are ", "do ", "does ", "will ", "làm sao", "tại sao", "vì sao",
            "bao giờ", "khi nào", "ở đâu", "cách nào");
    private static final List<String> QUESTION_ENDS = List.of(" không", " chưa", " nào", " gì", " sao", " à",
            " hả");
    private static final Set<String> POSITIVE = Set.of("thanks", "thank", "great", "good", "love", "perfect",
            "awesome", "helpful", "resolved", "works", "cảm ơn", "tuyệt", "tốt", "hài lòng", "được rồi", "ok");
    private static final Set<String> NEGATIVE = Set.of("angry", "terrible", "awful", "bad", "worst", "broken",
            "useless", "annoyed", "frustrated", "disappointed", "unacceptable", "not working", "doesn't work",
            "still", "again", "tệ", "bực", "thất vọng", "không được", "không hoạt động", "lỗi", "chán", "kém",
            "quá tệ", "không thể");
    private static final Map<String, String> INTENTS = Map.ofEntries(
            Map.entry("password", "account_access"), Map.entry("log in", "account_access"),
            Map.entry("login", "account_access"), Map.entry("mật khẩu", "account_access"),
            Map.entry("đăng nhập", "account_access"), Map.entry("refund", "refund"),
            Map.entry("hoàn tiền", "refund"), Map.entry("invoice", "billing"), Map.entry("charged", "billing"),
            Map.entry("payment", "billing"), Map.entry("thanh toán", "billing"), Map.entry("hóa đơn", "billing"),
            Map.entry("error", "technical_issue"), Map.entry("bug", "technical_issue"),
            Map.entry("lỗi", "technical_issue"), Map.entry("delivery", "order_status"),
            Map.entry("order", "order_status"), Map.entry("đơn hàng", "order_status"),
            Map.entry("giao hàng", "order_status"));

    public AnalysisResult analyse(List<HistoryEntry> history) {
        return analyse(history, true);
    }

    /**
     * For a conversation whose personal data could not be replaced: the same judgement (intent, sentiment,
     * severity), but nothing the customer wrote is quoted, neither questions nor an opening line.
     */
    public AnalysisResult analyseWithoutQuoting(List<HistoryEntry> history) {
        return analyse(history, false);
    }

    private AnalysisResult analyse(List<HistoryEntry> history, boolean quoting) {
        List<String> userTexts = history.stream().filter(e -> "user".equals(e.role())).map(HistoryEntry::text)
                .toList();
        String all = normalise(String.join("\n", userTexts));
        String language = VIETNAMESE.matcher(all).find() ? "vi" : "en";
        List<String> questions = questions(userTexts);
        int score = count(all, POSITIVE) - count(all, NEGATIVE);
        String sentiment = score > 0 ? "positive" : score < 0 ? "negative" : "neutral";
        Severity severity = AlarmPhrases.severityOf(all);
        if (severity.compareTo(Severity.MEDIUM) < 0 && score <= -2) {
            severity = Severity.MEDIUM;
        }
        String intent = INTENTS.entrySet().stream().filter(i -> contains(all, i.getKey())).map(Map.Entry::getValue)
                .sorted().findFirst().orElse(questions.isEmpty() ? "other" : "general_question");
        String summary = summary(history, userTexts, questions, severity, quoting);
        return new AnalysisResult(quoting ? questions : List.of(), intent, sentiment, summary,
                severity.atLeast(Severity.MEDIUM), severity, language);
    }

    private static List<String> questions(List<String> userTexts) {
        Set<String> found = new LinkedHashSet<>();
        for (String text : userTexts) {
            for (String sentence : Sentences.split(text)) {
                String s = sentence.strip();
                String lower = normalise(s);
                String bare = Sentences.withoutTrailingFullStops(lower);
                boolean question = s.endsWith("?") || QUESTION_STARTS.stream().anyMatch(lower::startsWith)
                        || QUESTION_ENDS.stream().anyMatch(bare::endsWith);
                if (question && s.length() > 2) {
                    found.add(SafeTruncation.withEllipsis(s, ResultSchema.MAX_QUESTION_CHARS));
                }
            }
        }
        return new ArrayList<>(found).subList(0, Math.min(found.size(), ResultSchema.MAX_QUESTIONS));
    }

    private static String summary(List<HistoryEntry> history, List<String> userTexts, List<String> questions,
            Severity severity, boolean quoting) {
        String first = userTexts.isEmpty() || !quoting
                ? ""
                : SafeTruncation.withEllipsis(userTexts.get(0).strip(), 160);
        return history.size() + " messages, " + userTexts.size() + " from the user, " + questions.size()
                + " question(s)"
                + (severity == Severity.NONE ? "" : ", alarm keywords of severity " + severity.wireName())
                + (first.isEmpty() ? "." : ". The user opened with: \"" + first + "\"");
    }

    private static int count(String text, Set<String> words) {
        return (int) words.stream().filter(w -> contains(text, w)).count();
    }

    /** Whether the phrase is in the text as whole words. */
    static boolean contains(String text, String phrase) {
        int at = text.indexOf(phrase);
        while (at >= 0) {
            boolean startOk = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
            int end = at + phrase.length();
            boolean endOk = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
            if (startOk && endOk) {
                return true;
            }
            at = text.indexOf(phrase, at + 1);
        }
        return false;
    }

    static String normalise(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }
}
