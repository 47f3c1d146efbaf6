package dev.conversationworker.pseudonymise;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * A labelled evaluation set of customer messages in English and Vietnamese, generated from a seed: sentences as
 * customers write them with personal values planted in them (each valid for its kind: Luhn-valid cards of several
 * brands, mod-97-valid IBANs of several countries, phone numbers valid in their region's plan...), and look-alikes
 * that are not personal data and must be kept (order numbers, amounts, dates, times, versions, SKUs, tracking and
 * ticket numbers, numbers failing Luhn or mod-97, "this is urgent").
 */
final class PiiEvaluationSet {

    static final long DEFAULT_SEED = 20261202L;

    /** A planted value or a look-alike, by its place in {@link Message#text()} once made prompt-safe. */
    record Span(String label, PiiKind kind, int start, int end, String value) {
    }

    /**
     * @param raw       what the customer sent (may hold invisible characters and line breaks)
     * @param text      the same made prompt-safe: what the spans refer to
     * @param planted   personal values, each to be found as its kind
     * @param lookAlikes values that are not personal data, each to be kept verbatim
     */
    record Message(String language, String raw, String text, List<Span> planted, List<Span> lookAlikes) {
    }

    private static final Pattern SLOT = Pattern.compile("\\{([A-Z_0-9]+)}");
    private static final Pattern SIGN_OFF = Pattern.compile("Thanks,|Regards,|Best regards,|Trân trọng,|Cảm ơn,");

    private static final String[] EN_FILLERS = {"Hi,", "Hello team,", "Good morning.", "Hey there!",
            "I need help with a refund.", "Please help me asap.", "This is the second time I write.",
            "The delivery is late again.", "Thanks in advance.", "Can someone check this?"};
    private static final String[] VI_FILLERS = {"Chào shop,", "Dạ em chào anh chị ạ.", "Shop ơi hỗ trợ em với.",
            "Em cần hoàn tiền gấp.", "Đơn này giao chậm quá.", "Cảm ơn shop nhiều ạ.", "Mình cần hỗ trợ ạ.",
            "Sao lâu vậy shop?"};

    private static final String[][] EN_PII = {
            {"You can reach me at {EMAIL}.", "My email is {EMAIL}", "please send the invoice to {EMAIL} thanks",
                    "email: {EMAIL}", "I registered with {EMAIL} but can't log in."},
            {"Call me on {PHONE}.", "My number is {PHONE}", "you can text {PHONE} anytime", "Phone: {PHONE}",
                    "I tried calling from {PHONE} twice.", "{PHONE} is my WhatsApp.", "call me at {PHONE_US}",
                    "my cell is {PHONE_US}."},
            {"I was charged twice on my card {CARD}.", "Card number: {CARD}", "please refund to {CARD}",
                    "the payment with {CARD} failed."},
            {"Please refund to IBAN {IBAN}.", "My bank account: {IBAN}", "IBAN: {IBAN}",
                    "send the money to {IBAN} please"},
            {"My IP is {IP} and the site blocks me.", "login attempts from {IP}", "the server at {IP} is down.",
                    "my IPv6 address is {IPV6}", "blocked from {IPV6} today"},
            {"My SSN is {SSN}.", "SSN {SSN_PLAIN}", "social security number: {SSN_PLAIN}",
                    "for the credit check: {SSN}"},
            {"My citizen ID is {CCCD}.", "ID number: {CCCD}", "national ID {CMND}", "my ID card number is {CCCD}"},
            {"My name is {NAME_EN}.", "Hi, this is {NAME_EN} from Acme Corp.", "I'm {NAME_EN}, I ordered last week.",
                    "Hello, I am {NAME_EN} and I need help.", "Thanks, {NAME_EN}", "Regards,\n{NAME_EN}",
                    "Best regards, {NAME_EN}", "This is Mr. {NAME_EN} again.", "my name is {NAME_VI}."}};
    private static final String[][] VI_PII = {
            {"Email của em là {EMAIL} ạ.", "Gửi hóa đơn qua {EMAIL} giúp mình nhé.", "mail: {EMAIL}"},
            {"SĐT của em là {PHONE_VN} ạ", "Liên hệ mình qua số {PHONE_VN} nhé.", "Gọi cho tôi theo số {PHONE_VN}",
                    "Số điện thoại: {PHONE_VN}", "Zalo {PHONE_VN}", "em ở nước ngoài, số {PHONE} ạ"},
            {"Số thẻ của em là {CARD}", "Em thanh toán bằng thẻ {CARD} nhưng bị trừ tiền 2 lần.",
                    "hoàn tiền vào thẻ {CARD} giúp em"},
            {"Số IBAN của mình là {IBAN}", "Chuyển khoản hoàn tiền về {IBAN} giúp em."},
            {"IP của em là {IP}", "đăng nhập từ địa chỉ {IP} bị chặn", "địa chỉ IPv6: {IPV6}"},
            {"SSN của tôi là {SSN}", "số an sinh xã hội Mỹ (SSN) {SSN_PLAIN}"},
            {"Số CCCD của em là {CCCD}", "CCCD: {CCCD}", "căn cước công dân số {CCCD}", "CMND {CMND}",
                    "số chứng minh nhân dân của tôi là {CMND}", "Mã số định danh cá nhân: {CCCD}"},
            {"Tôi tên là {NAME_VI}.", "Em tên là {NAME_VI} ạ.", "Chào shop, mình là {NAME_VI} nhé.",
                    "Tôi là {NAME_VI}, tôi muốn hỏi về đơn hàng.", "Trân trọng,\n{NAME_VI}", "Cảm ơn, {NAME_VI}",
                    "Tên tôi là {NAME_VI}."}};
    private static final String[] EN_KEPT = {"My order {ORDER} hasn't arrived.", "Order number: {ORDER10}",
            "order {ORDER10} is missing an item", "I paid {AMOUNT} on {DATE} at {TIME}.", "The app {VERSION} crashes.",
            "Item {SKU} is out of stock.", "tracking number {TRACKING}", "Any update on ticket {TICKET}?",
            "my card {BAD_CARD} was declined, is it wrong?", "I typed IBAN {BAD_IBAN}, the bank refused it.",
            "the form rejected {BAD_SSN} as an SSN.", "it was {AMOUNT} for order #{ORDER10}.",
            "version {IP_VERSION} has the bug", "please, this is {NOT_NAME_EN}.", "I'm {NOT_NAME_EN2}.",
            "Delivered on {DATE} {TIME}?", "receipt {ORDER10} shows {AMOUNT}"};
    private static final String[] VI_KEPT = {"Đơn hàng {ORDER10} của em chưa giao.", "mã đơn hàng: {ORDER10}",
            "Em đã chuyển khoản {AMOUNT_VN} ngày {DATE}.", "mã vận đơn {TRACKING}", "Phiên bản app {VERSION} bị lỗi",
            "mã sản phẩm {SKU}", "phiếu hỗ trợ {TICKET} chưa ai trả lời", "tôi là {NOT_NAME_VI}.",
            "giao lúc {TIME} ngày {DATE} nhé", "đơn {ORDER10} giá {AMOUNT_VN}"};

    private static final String[] EN_FIRST = {"John", "Mary", "James", "Patricia", "Robert", "Jennifer", "Michael",
            "Linda", "David", "Sarah", "Emily", "Daniel", "Olivia", "Liam", "Sophie", "Oliver", "Chloe", "Ethan",
            "Grace", "Lucas", "Priya", "Arjun", "Aoife", "Siobhan", "Wei", "Hannah", "Noah", "Isabella"};
    private static final String[] EN_LAST = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
            "Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Martin", "O'Brien", "McDonald", "Murphy", "Kelly",
            "Patel", "Sharma", "Tan", "Lim", "Walsh", "Clarke", "Nguyen"};
    private static final String[] VI_FAMILY = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
            "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"};
    private static final String[] VI_MIDDLE = {"Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Quang", "Thu",
            "Hoàng", "Bích", "Gia"};
    private static final String[] VI_GIVEN = {"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng",
            "Hương", "Lan", "Linh", "Long", "Mai", "Nam", "Ngọc", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn",
            "Việt", "Yến", "Khoa", "Vy"};
    private static final String[] NOT_NAME_EN = {"urgent", "the third time I ask", "not what I ordered",
            "ridiculous", "a scam"};
    private static final String[] NOT_NAME_EN2 = {"Vietnamese", "still waiting", "really upset", "not happy",
            "a loyal customer"};
    private static final String[] NOT_NAME_VI = {"khách hàng thân thiết", "khách quen của shop", "người mua",
            "chủ tài khoản"};
    private static final String[] EMAIL_DOMAINS = {"gmail.com", "yahoo.com", "outlook.com", "fpt.com.vn",
            "example.co.uk", "icloud.com", "hotmail.com", "company.vn", "mail.ru", "uni.edu.au"};
    private static final String[] PHONE_REGIONS = {"US", "GB", "CA", "AU", "NZ", "IE", "IN", "SG", "PH", "VN"};
    private static final int[] US_AREAS = {212, 415, 646, 310, 617, 312, 202, 713, 305, 206, 408, 718};
    private static final int[] CA_AREAS = {416, 604, 514, 403, 613};
    private static final String[] VN_MOBILE = {"32", "33", "34", "35", "36", "37", "38", "39", "56", "58", "70",
            "76", "77", "78", "79", "81", "82", "83", "84", "85", "86", "88", "89", "90", "91", "93", "94", "96", "97",
            "98"};
    private static final String[] CCCD_PROVINCES = {"001", "002", "004", "008", "010", "015", "022", "024", "025",
            "026", "027", "030", "031", "033", "036", "038", "040", "042", "044", "046", "048", "049", "051", "052",
            "056", "058", "060", "064", "066", "068", "070", "072", "074", "075", "077", "079", "080", "082", "083",
            "086", "087", "089", "091", "092", "094", "096"};

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private final Random random;

    private PiiEvaluationSet(long seed) {
        random = new Random(seed);
    }

    static List<Message> generate(long seed, int count) {
        PiiEvaluationSet set = new PiiEvaluationSet(seed);
        List<Message> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(set.message(i % 2 == 0 ? "en" : "vi", i));
        }
        return messages;
    }

    private Message message(String language, int index) {
        boolean english = language.equals("en");
        Builder message = new Builder(random.nextInt(100) < 4);
        if (random.nextBoolean()) {
            message.text(pick(english ? EN_FILLERS : VI_FILLERS)).text(" ");
        }
        String[][] pii = english ? EN_PII : VI_PII;
        // Every kind in turn, so that each is planted about equally often; then a random second one.
        // One message in five has no personal data at all: only what must be kept.
        boolean withPersonalData = index % 5 != 4;
        List<String> sentences = new ArrayList<>();
        if (withPersonalData) {
            sentences.add(pick(pii[index / 2 % pii.length]));
            if (random.nextInt(3) == 0) {
                sentences.add(pick(pii[random.nextInt(pii.length)]));
            }
        }
        int kept = withPersonalData ? random.nextInt(3) : 1 + random.nextInt(3);
        for (int i = 0; i < kept; i++) {
            sentences.add(random.nextInt(sentences.size() + 1), pick(english ? EN_KEPT : VI_KEPT));
        }
        // A sign-off ends its message.
        sentences.sort(Comparator.comparing(PiiEvaluationSet::isSignOff));
        for (int i = 0; i < sentences.size(); i++) {
            if (i > 0) {
                message.text(" ");
            }
            fill(message, sentences.get(i));
        }
        if (random.nextInt(4) == 0) {
            message.text(" ").text(pick(english ? EN_FILLERS : VI_FILLERS));
        }
        return message.build(language);
    }

    private static boolean isSignOff(String template) {
        return SIGN_OFF.matcher(template).lookingAt();
    }

    private void fill(Builder message, String template) {
        Matcher slot = SLOT.matcher(template);
        int at = 0;
        while (slot.find()) {
            message.text(template.substring(at, slot.start()));
            fillSlot(message, slot.group(1));
            at = slot.end();
        }
        message.text(template.substring(at));
    }

    private void fillSlot(Builder message, String slot) {
        switch (slot) {
            case "EMAIL" -> message.value(PiiKind.EMAIL, email());
            case "PHONE" -> message.value(PiiKind.PHONE, phone(pick(PHONE_REGIONS)));
            case "PHONE_VN" -> message.value(PiiKind.PHONE, phone("VN"));
            case "PHONE_US" -> message.value(PiiKind.PHONE, phone("US"));
            case "CARD" -> message.value(PiiKind.CARD, card());
            case "IBAN" -> message.value(PiiKind.IBAN, iban());
            case "IP" -> message.value(PiiKind.IP_ADDRESS, ipv4());
            case "IPV6" -> message.value(PiiKind.IP_ADDRESS, ipv6());
            case "SSN" -> message.value(PiiKind.SSN, ssn("-"));
            case "SSN_PLAIN" -> message.value(PiiKind.SSN, ssn(random.nextBoolean() ? "" : " "));
            case "CCCD" -> message.value(PiiKind.CITIZEN_ID, cccd());
            case "CMND" -> message.value(PiiKind.CITIZEN_ID, digits(9));
            case "NAME_EN" -> message.value(PiiKind.NAME, englishName());
            case "NAME_VI" -> message.value(PiiKind.NAME, vietnameseName());
            case "ORDER" -> message.kept("order", order());
            case "ORDER10" -> message.kept("order", orderDigits());
            case "AMOUNT" -> message.kept("amount", amount());
            case "AMOUNT_VN" -> message.kept("amount", amountVn());
            case "DATE" -> message.kept("date", date());
            case "TIME" -> message.kept("time", time());
            case "VERSION" -> message.kept("version", version());
            case "IP_VERSION" -> message.kept("version", (1 + random.nextInt(20)) + "." + random.nextInt(10) + "."
                    + random.nextInt(10) + "." + random.nextInt(250));
            case "SKU" -> message.kept("sku", sku());
            case "TRACKING" -> message.kept("tracking", tracking());
            case "TICKET" -> message.kept("ticket", ticket());
            case "BAD_CARD" -> message.kept("card failing Luhn", badCard());
            case "BAD_IBAN" -> message.kept("IBAN failing mod-97", badIban());
            case "BAD_SSN" -> message.kept("SSN against the SSA rules", badSsn());
            case "NOT_NAME_EN" -> message.kept("not a name", pick(NOT_NAME_EN));
            case "NOT_NAME_EN2" -> message.kept("not a name", pick(NOT_NAME_EN2));
            case "NOT_NAME_VI" -> message.kept("not a name", pick(NOT_NAME_VI));
            default -> throw new IllegalArgumentException(slot);
        }
    }

    // Personal values, each valid for its kind.

    private String email() {
        String user = switch (random.nextInt(4)) {
            case 0 -> pick(EN_FIRST).toLowerCase(Locale.ROOT) + "." + pick(EN_LAST).toLowerCase(Locale.ROOT)
                    .replace("'", "");
            case 1 -> pick(EN_FIRST) + random.nextInt(1000);
            case 2 -> "nguyen" + pick(new String[]{"van", "thi", "minh"}) + random.nextInt(100);
            default -> pick(EN_FIRST).toLowerCase(Locale.ROOT) + "+shop" + random.nextInt(10);
        };
        return user + "@" + pick(EMAIL_DOMAINS);
    }

    private String phone(String region) {
        while (true) {
            String national = switch (region) {
                case "US" -> US_AREAS[random.nextInt(US_AREAS.length)] + "" + (2 + random.nextInt(8)) + digits(6);
                case "CA" -> CA_AREAS[random.nextInt(CA_AREAS.length)] + "" + (2 + random.nextInt(8)) + digits(6);
                case "GB" -> "7" + (4 + random.nextInt(6)) + digits(8);
                case "AU" -> "4" + digits(8);
                case "NZ" -> "2" + pick(new String[]{"1", "2", "7"}) + digits(7);
                case "IE" -> "8" + pick(new String[]{"3", "5", "6", "7", "9"}) + digits(7);
                case "IN" -> (6 + random.nextInt(4)) + digits(9);
                case "SG" -> (8 + random.nextInt(2)) + digits(7);
                case "PH" -> "9" + (1 + random.nextInt(9)) + digits(8);
                default -> pick(VN_MOBILE) + digits(7);
            };
            try {
                PhoneNumber number = PHONES.parse(national, region);
                if (PHONES.isValidNumberForRegion(number, region)) {
                    return format(number, region, national);
                }
            } catch (NumberParseException e) {
                // Not a number of the region: draw again.
            }
        }
    }

    private String format(PhoneNumber number, String region, String national) {
        boolean nanp = region.equals("US") || region.equals("CA");
        if (region.equals("SG")) {
            // No trunk prefix: written as eight digits, grouped four and four or not.
            return switch (random.nextInt(3)) {
                case 0 -> PHONES.format(number, PhoneNumberFormat.INTERNATIONAL);
                case 1 -> national.substring(0, 4) + " " + national.substring(4);
                default -> national;
            };
        }
        return switch (random.nextInt(nanp ? 6 : 5)) {
            case 0 -> PHONES.format(number, PhoneNumberFormat.E164);
            case 1 -> PHONES.format(number, PhoneNumberFormat.INTERNATIONAL);
            case 2 -> PHONES.format(number, PhoneNumberFormat.NATIONAL);
            case 3 -> nanp
                    ? national.substring(0, 3) + "." + national.substring(3, 6) + "." + national.substring(6)
                    : "0" + national.substring(0, 3) + " " + national.substring(3, 6) + " " + national.substring(6);
            case 4 -> nanp
                    ? national.substring(0, 3) + "-" + national.substring(3, 6) + "-" + national.substring(6)
                    : "0" + national;
            default ->
                "+1 (" + national.substring(0, 3) + ") " + national.substring(3, 6) + "-" + national.substring(6);
        };
    }

    private String card() {
        String prefix;
        int length = 16;
        switch (random.nextInt(8)) {
            case 0 -> prefix = "4";
            case 1 -> prefix = "5" + (1 + random.nextInt(5));
            case 2 -> prefix = "2" + (221 + random.nextInt(500));
            case 3 -> {
                prefix = random.nextBoolean() ? "34" : "37";
                length = 15;
            }
            case 4 -> prefix = "6011";
            case 5 -> prefix = "35" + (28 + random.nextInt(62));
            case 6 -> prefix = "62";
            default -> prefix = "9704";
        }
        String number = withLuhnDigit(prefix + digits(length - prefix.length() - 1));
        return group(number, length == 15 ? new int[]{4, 6, 5} : new int[]{4, 4, 4, 4});
    }

    private String group(String number, int[] groups) {
        int style = random.nextInt(3);
        if (style == 0) {
            return number;
        }
        StringBuilder grouped = new StringBuilder();
        int at = 0;
        for (int size : groups) {
            if (at > 0) {
                grouped.append(style == 1 ? ' ' : '-');
            }
            grouped.append(number, at, at + size);
            at += size;
        }
        return grouped.toString();
    }

    private String iban() {
        String country = pick(new String[]{"DE", "GB", "FR", "NL", "ES", "IT", "BE", "CH", "PL", "IE"});
        String bban = switch (country) {
            case "DE" -> digits(18);
            case "GB" -> letters(4) + digits(14);
            case "FR" -> digits(10) + digits(11) + digits(2);
            case "NL" -> letters(4) + digits(10);
            case "ES" -> digits(20);
            case "IT" -> letters(1) + digits(10) + digits(12);
            case "BE" -> digits(12);
            case "CH" -> digits(17);
            case "PL" -> digits(24);
            default -> letters(4) + digits(14);
        };
        String iban = country + checkDigits(country, bban) + bban;
        if (random.nextBoolean()) {
            return iban;
        }
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < iban.length(); i += 4) {
            grouped.append(i > 0 ? " " : "").append(iban, i, Math.min(iban.length(), i + 4));
        }
        return grouped.toString();
    }

    private String ipv4() {
        return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                + (1 + random.nextInt(254));
    }

    private String ipv6() {
        StringBuilder address = new StringBuilder("2001:db8");
        int groups = random.nextBoolean() ? 6 : 3;
        for (int i = 0; i < groups; i++) {
            address.append(i == 0 && groups == 3 ? "::" : ":").append(Integer.toHexString(random.nextInt(65536)));
        }
        return random.nextBoolean()
                ? address.toString()
                : "fe80::" + Integer.toHexString(random.nextInt(65536)) + ":"
                        + Integer.toHexString(1 + random.nextInt(65535));
    }

    private String ssn(String separator) {
        int area;
        do {
            area = 1 + random.nextInt(899);
        } while (area == 666);
        return String.format("%03d%s%02d%s%04d", area, separator, 1 + random.nextInt(99), separator,
                1 + random.nextInt(9999));
    }

    private String cccd() {
        return pick(CCCD_PROVINCES) + random.nextInt(4) + digits(2) + digits(6);
    }

    private String englishName() {
        return switch (random.nextInt(3)) {
            case 0 -> pick(EN_FIRST);
            default -> pick(EN_FIRST) + " " + pick(EN_LAST);
        };
    }

    private String vietnameseName() {
        return switch (random.nextInt(4)) {
            case 0 -> pick(VI_FAMILY) + " " + pick(VI_GIVEN);
            case 3 -> pick(VI_FAMILY) + " " + pick(VI_MIDDLE) + " " + pick(VI_MIDDLE) + " " + pick(VI_GIVEN);
            default -> pick(VI_FAMILY) + " " + pick(VI_MIDDLE) + " " + pick(VI_GIVEN);
        };
    }

    // Look-alikes: not personal data.

    private String order() {
        return switch (random.nextInt(3)) {
            case 0 -> "#A-" + digits(5);
            case 1 -> "ORD-" + digits(8);
            default -> "#" + (1 + random.nextInt(9)) + digits(9);
        };
    }

    /** Ten digits shaped like a US phone number: the hard case, kept by the word before it. */
    private String orderDigits() {
        return (2 + random.nextInt(8)) + digits(2) + (2 + random.nextInt(8)) + digits(6);
    }

    private String amount() {
        return switch (random.nextInt(4)) {
            case 0 -> String.format(Locale.US, "$%,d.%02d", 1 + random.nextInt(5000), random.nextInt(100));
            case 1 -> "$" + (1 + random.nextInt(500));
            case 2 -> String.format(Locale.US, "€%d.%02d", 1 + random.nextInt(900), random.nextInt(100));
            default -> String.format(Locale.US, "%,d USD", 1000 + random.nextInt(2_000_000));
        };
    }

    private String amountVn() {
        int thousands = 10 + random.nextInt(49_990);
        String grouped = String.format(Locale.GERMANY, "%,d", thousands * 1000L);
        return switch (random.nextInt(4)) {
            case 0 -> grouped + "đ";
            case 1 -> grouped + " VND";
            case 2 -> thousands * 1000L + " VND";
            default -> thousands + "k";
        };
    }

    private String date() {
        int day = 1 + random.nextInt(28);
        int month = 1 + random.nextInt(12);
        int year = 2020 + random.nextInt(7);
        return switch (random.nextInt(4)) {
            case 0 -> String.format("%02d/%02d/%d", day, month, year);
            case 1 -> String.format("%d-%02d-%02d", year, month, day);
            case 2 -> String.format("%d.%d.%d", day, month, year);
            default -> String.format("%02d-%02d-%d", month, day, year);
        };
    }

    private String time() {
        return String.format("%d:%02d", random.nextInt(24), random.nextInt(60))
                + (random.nextInt(3) == 0 ? ":" + String.format("%02d", random.nextInt(60)) : "");
    }

    private String version() {
        return switch (random.nextInt(3)) {
            case 0 -> "v" + random.nextInt(5) + "." + random.nextInt(20) + "." + random.nextInt(10);
            case 1 -> "iOS " + (15 + random.nextInt(4)) + "." + random.nextInt(8) + "." + random.nextInt(3);
            default -> "Android " + (10 + random.nextInt(6));
        };
    }

    private String sku() {
        return switch (random.nextInt(3)) {
            case 0 -> "SKU-" + digits(5) + "-" + pick(new String[]{"BLK", "WHT", "RED"});
            case 1 -> "SP" + digits(7);
            default -> "SKU " + (1 + random.nextInt(9)) + digits(6);
        };
    }

    private String tracking() {
        return switch (random.nextInt(4)) {
            case 0 -> "1Z" + letters(1) + digits(2) + letters(3) + digits(10);
            case 1 -> "94" + digits(20);
            case 2 -> "SPXVN0" + digits(9);
            default -> digits(4) + " " + digits(4) + " " + digits(4);
        };
    }

    private String ticket() {
        return random.nextBoolean() ? "TCK-" + digits(6) : "#" + (1 + random.nextInt(9)) + digits(5);
    }

    private String badCard() {
        String card = withLuhnDigit("4" + digits(14));
        char last = card.charAt(15);
        String bad = card.substring(0, 15) + (char) ('0' + (last - '0' + 1 + random.nextInt(9)) % 10);
        return group(bad, new int[]{4, 4, 4, 4});
    }

    private String badIban() {
        String bban = digits(18);
        int check = Integer.parseInt(checkDigits("DE", bban));
        String wrong = String.format("%02d", (check + 1 + random.nextInt(90)) % 97 + 2);
        String iban = "DE" + wrong + bban;
        return iban.substring(0, 4) + " " + iban.substring(4, 8) + " " + iban.substring(8, 12) + " "
                + iban.substring(12, 16) + " " + iban.substring(16, 20) + " " + iban.substring(20);
    }

    private String badSsn() {
        return switch (random.nextInt(4)) {
            case 0 -> "000-" + String.format("%02d-%04d", 1 + random.nextInt(99), 1 + random.nextInt(9999));
            case 1 -> "666-" + String.format("%02d-%04d", 1 + random.nextInt(99), 1 + random.nextInt(9999));
            case 2 -> (900 + random.nextInt(100)) + String.format("-%02d-%04d", 1 + random.nextInt(99),
                    1 + random.nextInt(9999));
            default -> String.format("%03d-00-%04d", 1 + random.nextInt(665), 1 + random.nextInt(9999));
        };
    }

    // Helpers.

    private static String withLuhnDigit(String partial) {
        int sum = 0;
        for (int i = 0; i < partial.length(); i++) {
            int digit = partial.charAt(partial.length() - 1 - i) - '0';
            if (i % 2 == 0) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return partial + (10 - sum % 10) % 10;
    }

    private static String checkDigits(String country, String bban) {
        StringBuilder numeric = new StringBuilder();
        for (char c : (bban + country + "00").toCharArray()) {
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        int remainder = new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue();
        return String.format("%02d", 98 - remainder);
    }

    private String digits(int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    private String letters(int count) {
        StringBuilder letters = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            letters.append((char) ('A' + random.nextInt(26)));
        }
        return letters.toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    /** Builds the raw and the prompt-safe text side by side, recording spans in the latter. */
    private final class Builder {

        private final StringBuilder raw = new StringBuilder();
        private final StringBuilder text = new StringBuilder();
        private final List<Span> planted = new ArrayList<>();
        private final List<Span> lookAlikes = new ArrayList<>();
        private boolean hideInvisible;

        Builder(boolean hideInvisible) {
            this.hideInvisible = hideInvisible;
        }

        Builder text(String part) {
            raw.append(part);
            text.append(part.replace('\n', ' '));
            return this;
        }

        void value(PiiKind kind, String value) {
            int start = text.length();
            text.append(value);
            if (hideInvisible && value.length() > 4) {
                // A zero-width space or a soft hyphen inside the value, as a customer might use to slip past a filter.
                int at = 1 + random.nextInt(value.length() - 2);
                raw.append(value, 0, at).append(random.nextBoolean() ? '\u200B' : '\u00AD').append(value.substring(at));
                hideInvisible = false;
            } else {
                raw.append(value);
            }
            planted.add(new Span(kind.name(), kind, start, text.length(), value));
        }

        void kept(String label, String value) {
            int start = text.length();
            text(value);
            lookAlikes.add(new Span(label, null, start, text.length(), value));
        }

        Message build(String language) {
            return new Message(language, raw.toString(), text.toString(), List.copyOf(planted),
                    List.copyOf(lookAlikes));
        }
    }
}
