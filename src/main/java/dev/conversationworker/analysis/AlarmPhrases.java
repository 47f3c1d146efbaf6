package dev.conversationworker.analysis;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.conversationworker.model.Severity;

/**
 * The phrases that make the offline analyzer say a customer needs attention, with the severity each implies (the
 * highest found wins). With {@code llm.budget.when-spent=triage} they decide which conversations reach the LLM, so
 * they aim at recall: a false alarm costs one LLM call, a miss is never seen.
 * <p>
 * Tuned on the tuning half of the labelled set of the triage evaluation only (every phrase added then matches one of
 * its phrasings); docs/triage-evaluation.md reports the held-out half. Vietnamese phrases of two words or more also
 * match text typed without diacritics; a single word does not, as it is too ambiguous without them.
 */
final class AlarmPhrases {

    /** Package-private so that the triage evaluation can check which half of its set each phrase came from. */
    static final Map<Severity, List<String>> PHRASES = Map.of(Severity.CRITICAL, List.of(
            // fraud and account takeover
            "fraud", "hacked", "stolen", "got into my account", "login alert", "pretending", "asked for my password",
            "emptied", "money is gone", "lừa đảo", "bị hack", "bị lừa", "giả danh", "giả mạo", "xin mã otp", "mất tiền",
            // personal data seen by others
            "data breach", "another customer", "personal details", "customer list", "khách khác", "bị lộ",
            "để lộ", "lộ ra", "thông tin cá nhân", "danh sách khách hàng",
            // legal threats; not "kiện" alone (also "kiện hàng", a parcel, and "điều kiện", a condition), nor "tòa" (also
            // "tòa nhà", a building) or "công an" (addresses say "opposite the police station")
            "lawsuit", "lawyer", "court", "sue", "solicitor", "breach of contract", "small claims",
            "consumer protection", "sẽ kiện", "khởi kiện", "ra tòa", "báo công an", "người tiêu dùng"),
            Severity.HIGH, List.of(
                    // money taken, refunds
                    "refund", "charged twice", "took my money", "ate my payment", "left my bank", "unpaid",
                    "never received", "fake", "hoàn tiền", "trừ tiền", "bị trừ", "không được trả lại", "mất hết",
                    "không hề",
                    // the service down or locked for the customer
                    "locked out", "locked", "been down", "down for", "blank", "stopped", "losing", "crashes",
                    "can't access", "bị khóa", "không vào được", "không bán được", "trắng trơn", "ngừng", "mất đơn",
                    "mất kết nối",
                    // abusive or furious
                    "worst", "useless", "stupid", "sick and tired", "clowns", "wasted", "dare", "disgrace",
                    "had it with", "tệ hại", "chán ngấy", "vớ vẩn", "vô dụng", "mất cả buổi", "đừng bảo",
                    "chờ đủ", "quá đáng", "không thể chấp nhận",
                    // about to leave, escalating
                    "cancel my", "cancelling", "cancel everything", "competitor", "another provider", "elsewhere",
                    "dropping", "never ordering", "complaint", "manager", "hủy gói", "bên khác", "không mua nữa",
                    "chấm dứt", "gia hạn nữa", "khiếu nại"),
            Severity.MEDIUM, List.of(
                    // wants a human
                    "real person", "bot", "put me through", "supervisor", "agent", "escalate", "nhân viên thật",
                    "tư vấn viên", "người hỗ trợ",
                    // still unresolved
                    "not here", "third time", "wrong", "defect", "missing", "not applied", "full price",
                    "doesn't work", "chưa nhận được", "lần thứ", "nhầm", "bị lỗi", "thiếu", "không có người nhận",
                    // urgency
                    "urgent", "khẩn cấp", "gấp"));

    /**
     * Words that alarm only together: somebody else and the customer's account; money and a count of times it was
     * taken.
     */
    static final List<Together> TOGETHER = List.of(
            // high, not critical: "can someone check my account?"
            new Together(List.of("someone", "somebody", "ai đó"), List.of("account", "tài khoản"), Severity.HIGH),
            new Together(List.of("money", "charge", "payment"), List.of("twice", "three times"), Severity.HIGH),
            new Together(List.of("tiền"), List.of("hai lần", "3 lần"), Severity.HIGH));

    /** Any of {@code these} with any of {@code those}, anywhere in the customer's messages. */
    record Together(List<String> these, List<String> those, Severity severity) {

        String name() {
            return these + " with " + those;
        }
    }

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    /** A phrase, and the same without diacritics when it is Vietnamese of two words or more (else null). */
    private record Phrase(String text, String bare) {

        static Phrase of(String text) {
            String bare = withoutDiacritics(text);
            boolean multiWordVietnamese = !bare.equals(text) && text.contains(" ");
            return new Phrase(text, multiWordVietnamese ? bare : null);
        }

        boolean in(String normalised, String normalisedBare) {
            return OfflineAnalyzer.contains(normalised, text) || bare != null
                    && OfflineAnalyzer.contains(normalisedBare, bare);
        }
    }

    /** One phrase of {@code these} and, unless there are none, one of {@code those}. */
    private record Rule(String name, List<Phrase> these, List<Phrase> those, Severity severity) {

        boolean in(String normalised, String normalisedBare) {
            return these.stream().anyMatch(p -> p.in(normalised, normalisedBare))
                    && (those.isEmpty() || those.stream().anyMatch(p -> p.in(normalised, normalisedBare)));
        }
    }

    private static final List<Rule> RULES = rules();

    private AlarmPhrases() {
    }

    /**
     * @param text lower-cased, NFC
     * @return the highest severity of a rule found in it, {@link Severity#NONE} if none is
     */
    static Severity severityOf(String text) {
        String bare = withoutDiacritics(text);
        Severity highest = Severity.NONE;
        for (Rule rule : RULES) {
            if (rule.severity().compareTo(highest) > 0 && rule.in(text, bare)) {
                highest = rule.severity();
            }
        }
        return highest;
    }

    /** The rules found in a text (lower-cased, NFC): a phrase, or the {@link Together#name()} of words. */
    static List<String> foundIn(String text) {
        String bare = withoutDiacritics(text);
        return RULES.stream().filter(r -> r.in(text, bare)).map(Rule::name).toList();
    }

    private static List<Rule> rules() {
        List<Rule> all = new ArrayList<>();
        PHRASES.forEach((severity, texts) -> texts.forEach(text -> all.add(new Rule(text, List.of(Phrase.of(text)),
                List.of(), severity))));
        TOGETHER.forEach(t -> all.add(new Rule(t.name(), t.these().stream().map(Phrase::of).toList(),
                t.those().stream().map(Phrase::of).toList(), t.severity())));
        return List.copyOf(all);
    }

    static String withoutDiacritics(String text) {
        String decomposed = Normalizer.normalize(text.replace('đ', 'd').replace('Đ', 'D'), Normalizer.Form.NFD);
        return MARKS.matcher(decomposed).replaceAll("");
    }
}
