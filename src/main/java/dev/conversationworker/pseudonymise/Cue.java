package dev.conversationworker.pseudonymise;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the words just before a number say it is. People introduce numbers: "order 5512003412", "đơn hàng
 * 5512003412", "SĐT 0912 345 678", "CCCD của em là 001203004567". The nearest such word within the clause decides:
 * a reference word keeps a number that would also parse as a phone; a citizen-id word makes 12 digits a CCCD.
 */
enum Cue {

    REFERENCE, PHONE, CARD, SSN, CITIZEN_ID;

    /** At most this many words before a number are read, back to the start of its sentence. */
    private static final int WORDS = 8;
    private static final int CHARS = 90;
    /** A reference word is close to its number ("order number is 5512003412"), or it is about something else. */
    private static final int REFERENCE_WORDS = 3;

    private static final Pattern CUES = Pattern.compile("(?:"
            + "(?<reference>(?:order|orders|đơn hàng|đơn|mã đơn hàng|mã đơn|mã vận đơn|vận đơn|mã|ticket|tracking"
            + "|sku|invoice|hóa đơn|hoá đơn|ref|reference|booking|transaction|giao dịch|model|serial|version"
            + "|phiên bản|build|sản phẩm|receipt|biên lai|shipment|package|kiện hàng|coupon"
            + "|voucher|promo|waybill|parcel|account no|customer id|mã khách hàng|mã kh|ios|android|firmware)"
            + "(?:\\s+(?:id|no\\.?|number|num|code|#|số|mã))*)"
            + "|(?<phone>phone|phone number|telephone|tel|mobile|cell|call|whatsapp|zalo|viber|hotline|contact"
            + "|reach me|số điện thoại|điện thoại|sđt|sdt|đt|di động|gọi|liên hệ|nhắn tin|số máy)"
            + "|(?<card>card|credit card|debit card|card number|visa|mastercard|amex|thẻ|số thẻ|thẻ tín dụng)"
            + "|(?<ssn>ssn|social security|social security number|ss#|ss no)"
            + "|(?<citizen>cccd|cmnd|cmt|căn cước|căn cước công dân|chứng minh|chứng minh nhân dân|chứng minh thư"
            + "|citizen id|citizen identity|citizen identification|national id|id number|id card|identity card"
            + "|identity number|số định danh|định danh|giấy tờ tùy thân)"
            + ")(?![\\p{L}\\p{N}])");

    /** The cue nearest before {@code start} in its clause, with no other number in between, or null. */
    static Cue before(String text, int start) {
        int from = windowStart(text, start);
        if (from == start) {
            return null;
        }
        String window = text.substring(from, start).toLowerCase(Locale.ROOT);
        Matcher matcher = CUES.matcher(window);
        Cue best = null;
        int bestStart = -1;
        int bestEnd = -1;
        // Cues start words: trying the pattern only there is several times cheaper than a find over the window.
        for (int i = 0; i < window.length(); i++) {
            if (!Character.isLetter(window.charAt(i)) || (i > 0 && Character.isLetterOrDigit(window.charAt(i - 1)))) {
                continue;
            }
            if (!matcher.region(i, window.length()).lookingAt()) {
                continue;
            }
            if (matcher.end() > bestEnd || (matcher.end() == bestEnd && matcher.start() < bestStart)) {
                bestEnd = matcher.end();
                bestStart = matcher.start();
                best = matcher.group("reference") != null
                        ? REFERENCE
                        : matcher.group("phone") != null
                                ? PHONE
                                : matcher.group("card") != null
                                        ? CARD
                                        : matcher.group("ssn") != null ? SSN : CITIZEN_ID;
            }
        }
        if (best == null) {
            return null;
        }
        int wordsBetween = 0;
        boolean inWord = false;
        for (int i = bestEnd; i < window.length(); i++) {
            char c = window.charAt(i);
            if (Character.isDigit(c)) {
                return null;
            }
            boolean letter = Character.isLetter(c);
            wordsBetween += letter && !inWord ? 1 : 0;
            inWord = letter;
        }
        return best == REFERENCE && wordsBetween > REFERENCE_WORDS ? null : best;
    }

    /** Back at most {@link #WORDS} words, not past the end of the previous sentence. */
    private static int windowStart(String text, int start) {
        int limit = Math.max(0, start - CHARS);
        int words = 0;
        boolean inWord = false;
        for (int i = start - 1; i >= limit; i--) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord && ++words == WORDS) {
                    return i + 1;
                }
                inWord = false;
                if (i > 0 && endsSentence(text, i - 1)) {
                    return i + 1;
                }
            } else {
                inWord = true;
            }
        }
        return limit;
    }

    /** {@code .}, {@code !}, {@code ?} or {@code ;} at {@code i} ending a sentence (not "no." or "Tel."). */
    private static boolean endsSentence(String text, int i) {
        char c = text.charAt(i);
        if (c == '!' || c == '?' || c == ';') {
            return true;
        }
        if (c != '.') {
            return false;
        }
        int wordStart = i;
        while (wordStart > 0 && Character.isLetter(text.charAt(wordStart - 1))) {
            wordStart--;
        }
        String word = text.substring(wordStart, i).toLowerCase(Locale.ROOT);
        return !(word.equals("no") || word.equals("nr") || word.equals("ref") || word.equals("tel")
                || word.equals("ph") || word.equals("mob") || word.equals("num"));
    }
}
