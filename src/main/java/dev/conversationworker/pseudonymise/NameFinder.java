package dev.conversationworker.pseudonymise;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Person names, where people introduce themselves: "my name is …", "tôi tên là …", "this is … from", "tôi là …", and
 * sign-offs ("Thanks, John Smith", "Trân trọng, Nguyễn Văn An"). A name is one to four capitalised words after the
 * cue (Vietnamese names with their diacritics). No library finds names without a language model; a cue keeps this
 * precise. The cues differ in strength: after "my name is" the capitalised words are a name; after "this is" or "tôi
 * là" they are one only if a common word does not come next ("this is Samsung Galaxy S24" is not a name, "this is
 * urgent" and "tôi là khách hàng" are not capitalised), and a sign-off's name ends its message or its sentence.
 */
final class NameFinder implements Finder {

    private enum Strength {
        STRONG, WEAK, SIGN_OFF
    }

    /** The cues, matched on the text in lower case from the start of a word. */
    private static final Pattern CUE = Pattern.compile("(?<strong>(?:my name is|my name's|my name’s|my full name is"
            + "|tôi tên là|tên tôi là|em tên là|tên em là|mình tên là|tên mình là|anh tên là|chị tên là|con tên là"
            + "|cháu tên là|tên của tôi là|tên của em là|tôi tên|em tên|mình tên)\\s*:?\\s+"
            + "|(?:full name|name|họ tên|họ và tên)\\s*:\\s*)"
            + "|(?<weak>(?:this is|i am|i'm|i’m|it's|it’s|tôi là|em là|mình là|anh là|chị là|đây là)\\s+)"
            + "|(?<signOff>(?:(?:thanks|thank you|many thanks|thanks again|cảm ơn|cám ơn|xin cảm ơn)\\s*[,\\-–—:]?"
            + "|(?:regards|best regards|kind regards|warm regards|best|cheers|sincerely|yours sincerely|yours truly"
            + "|best wishes|trân trọng|thân|thân ái|rgds)\\s*[,\\-–—:])\\s*)");
    /** The first word of every cue: the pattern is tried only where one of them starts a word. */
    private static final Set<String> CUE_FIRST_WORDS = Set.of("my", "tôi", "tên", "em", "mình", "anh", "chị", "con",
            "cháu", "full", "name", "họ", "this", "i", "i'm", "i’m", "it's", "it’s", "đây", "thanks", "thank", "many",
            "cảm", "cám", "xin", "regards", "best", "kind", "warm", "cheers", "sincerely", "yours", "trân", "thân",
            "rgds");
    private static final Pattern TITLE = Pattern.compile(
            "(?:(?iu:mr|mrs|ms|dr)\\.?\\s+|(?iu:miss)\\s+|(?:anh|chị|em|cô|chú|bác|ông|bà|bạn)\\s+)");
    /** Possessive throughout: a long word followed by a digit must not make the pattern try every split of it. */
    private static final Pattern WORD = Pattern
            .compile("\\p{Lu}[\\p{Ll}\\p{M}]*+(?:['’-]?+\\p{Lu}?+[\\p{Ll}\\p{M}]++)*+(?![\\p{L}\\p{N}])");
    private static final Pattern AFTER_WEAK = Pattern.compile("(?iu)\\s*(?:$|[.,!?;:)(\\-–—]|(?:from|at|here"
            + "|speaking|and|with|again|calling|writing|of|ở|từ|bên|đây|nhé|nha|ạ|và|của|đang|muốn|cần|hỏi|xin|đã"
            + "|vừa|có|gọi|mua|đặt|liên)(?![\\p{L}\\p{N}]))");
    private static final Pattern AFTER_SIGN_OFF = Pattern.compile("\\s*(?:$|[.,!?;)(])");
    private static final int MAX_WORDS = 4;

    /** Capitalised words that start a sentence or a phrase far more often than they are a name. */
    private static final Set<String> NOT_NAMES = Set.of("the", "this", "that", "it", "not", "very", "so",
            "just", "still", "also", "really", "your", "my", "our", "i", "we", "you", "he", "she", "they", "here",
            "there", "please", "sorry", "hi", "hello", "hey", "thanks", "thank", "ok", "okay", "yes", "no", "good",
            "great", "urgent", "customer", "support", "service", "order", "ticket", "team", "shop", "store", "admin",
            "manager", "sir", "madam", "everyone", "all", "guys", "monday", "tuesday", "wednesday", "thursday",
            "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december", "english", "vietnamese", "american", "british",
            "australian", "indian", "canadian", "singaporean", "filipino", "irish", "new", "back", "sure", "glad",
            "afraid", "confused", "done", "interested", "unable", "trying", "writing", "calling", "waiting", "having",
            "going", "getting", "looking", "disappointed", "frustrated", "happy", "upset", "angry", "regards", "best",
            "cheers", "khách", "chủ", "người", "nhân", "một", "không", "rất", "đang", "bên", "anh", "chị", "em",
            "mình", "tôi", "bạn", "cảm", "xin", "vui", "dạ", "vâng", "ạ", "cái", "đơn", "hàng", "sản", "phẩm", "iphone",
            "samsung", "apple", "google", "android", "ios", "windows", "visa", "mastercard", "paypal", "momo",
            "zalo", "facebook", "shopee", "lazada", "tiki", "phone", "email", "mail", "address", "tel", "mobile", "can",
            "could", "would", "will", "should", "is", "are", "do", "does", "did", "any", "what", "when", "where", "why",
            "how", "who", "which", "let", "if", "as", "for", "and", "but", "or", "sao", "chào", "cho", "giao", "khi",
            "nhờ", "làm", "hôm", "có", "vì", "nếu", "và", "nhưng", "mã", "số", "i'm", "i’m", "i've", "i'll", "i'd");

    @Override
    public void find(String text, List<Finding> found) {
        String lower = lowerCase(text);
        Matcher cue = CUE.matcher(lower);
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isLetter(text.charAt(i)) || (i > 0 && isWordChar(text.charAt(i - 1)))) {
                continue;
            }
            if (!CUE_FIRST_WORDS.contains(wordAt(lower, i))) {
                continue;
            }
            cue.region(i, text.length());
            if (cue.lookingAt()) {
                Strength strength = cue.group("strong") != null
                        ? Strength.STRONG
                        : cue.group("weak") != null ? Strength.WEAK : Strength.SIGN_OFF;
                nameAfter(cue.end(), strength, text, found);
            }
        }
    }

    /** Every whole-word mention of a name found before, cue or not ("John Smith" again in a later message). */
    static void findKnown(String text, List<String> names, List<Finding> found) {
        for (String name : names) {
            for (int at = indexOfIgnoreCase(text, name, 0); at >= 0; at = indexOfIgnoreCase(text, name, at + 1)) {
                int end = at + name.length();
                if ((at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1)))
                        && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
                    found.add(new Finding(PiiKind.NAME, at, end, canonical(name)));
                }
            }
        }
    }

    private static void nameAfter(int at, Strength strength, String text, List<Finding> found) {
        Matcher title = TITLE.matcher(text).region(at, text.length());
        if (title.lookingAt()) {
            at = title.end();
        }
        int start = at;
        int end = -1;
        boolean capitalisedWordNext = false;
        Matcher word = WORD.matcher(text);
        for (int words = 0; words <= MAX_WORDS; words++) {
            word.region(at, text.length());
            if (!word.lookingAt()) {
                break;
            }
            if (words == MAX_WORDS || NOT_NAMES.contains(word.group().toLowerCase(Locale.ROOT))
                    || word.end() - word.start() < 2) {
                // A capitalised word that is not part of the name: a new sentence whose line break was lost.
                capitalisedWordNext = true;
                break;
            }
            end = word.end();
            if (end + 1 < text.length() && text.charAt(end) == ' ') {
                at = end + 1;
            } else {
                break;
            }
        }
        if (end > start
                && (capitalisedWordNext && strength != Strength.STRONG || followedWell(strength, text, end))) {
            found.add(new Finding(PiiKind.NAME, start, end, canonical(text.substring(start, end))));
        }
    }

    private static boolean followedWell(Strength strength, String text, int end) {
        return switch (strength) {
            case STRONG -> true;
            case WEAK -> AFTER_WEAK.matcher(text).region(end, text.length()).lookingAt();
            case SIGN_OFF -> AFTER_SIGN_OFF.matcher(text).region(end, text.length()).lookingAt();
        };
    }

    /** The word (letters and apostrophes) that starts at {@code i}. */
    private static String wordAt(String lower, int i) {
        int end = i;
        while (end < lower.length() && (Character.isLetter(lower.charAt(end)) || lower.charAt(end) == '\''
                || lower.charAt(end) == '’')) {
            end++;
        }
        return lower.substring(i, end);
    }

    /** Lower case char by char, so that every index is the same as in the text. */
    private static String lowerCase(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = Character.toLowerCase(chars[i]);
        }
        return new String(chars);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '\'' || c == '’';
    }

    private static String canonical(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    private static int indexOfIgnoreCase(String text, String part, int from) {
        for (int i = from; i + part.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, part, 0, part.length())) {
                return i;
            }
        }
        return -1;
    }
}
