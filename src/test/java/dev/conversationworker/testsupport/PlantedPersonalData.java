package dev.conversationworker.testsupport;

import java.util.List;
import java.util.stream.Stream;

/**
 * Conversations in which customers type what they really type, with the personal values planted in them (each in
 * the form it was typed, and digits only where that is a second way to find it) and values an analysis needs that
 * must be kept. For the end-to-end tests: no planted value may appear in any prompt, analysis or notification.
 */
public final class PlantedPersonalData {

    /** A planted value, and the forms in which finding it anywhere is a leak. */
    public record Planted(String kind, String typed, List<String> forms) {

        static Planted of(String kind, String typed) {
            String digits = typed.replaceAll("[^0-9]", "");
            boolean numeric = digits.length() >= 7 && !typed.contains("@");
            return new Planted(kind, typed, numeric && !digits.equals(typed) ? List.of(typed, digits) : List.of(typed));
        }
    }

    public static final List<Planted> PLANTED = List.of(
            Planted.of("email", "jane.doe@example.com"),
            Planted.of("email", "nguyen.van.an@gmail.com"),
            Planted.of("phone", "+84 912 345 678"),
            Planted.of("phone", "(212) 555-0134"),
            Planted.of("phone", "415.555.0132"),
            Planted.of("card", "4111 1111 1111 1111"),
            Planted.of("card", "5500-0000-0000-0004"),
            Planted.of("iban", "DE89 3704 0044 0532 0130 00"),
            Planted.of("iban", "GB82WEST12345698765432"),
            Planted.of("ip_address", "192.168.10.24"),
            Planted.of("ip_address", "2001:db8::8a2e:370:7334"),
            Planted.of("ssn", "536-22-1234"),
            Planted.of("citizen_id", "001099012345"),
            Planted.of("name", "Jane Doe"),
            Planted.of("name", "Nguyễn Văn An"),
            Planted.of("name", "Peter Parker"));

    /** Not personal data: an analysis needs them, so they must reach the LLM as they were typed. */
    public static final List<String> KEPT = List.of("ORD-55120034", "$1,299.00", "v2.14.3", "TCK-448812",
            "2026-11-24");

    /**
     * Three conversations' customer messages ({@code %s} is a token the test puts in each, to find its prompts): one
     * that needs attention (fraud: it pages), one in Vietnamese, one that gives a phone number twice in two formats
     * and imitates a placeholder.
     */
    public static final List<List<String>> CONVERSATIONS = List.of(
            List.of("Hi %s, my name is Jane Doe and my card 4111 1111 1111 1111 was charged twice for order "
                    + "ORD-55120034 ($1,299.00). This is fraud!",
                    "You can reach me at jane.doe@example.com or (212) 555-0134. My SSN is 536-22-1234.",
                    "Please refund to DE89 3704 0044 0532 0130 00. The app v2.14.3 shows ticket TCK-448812.",
                    "Thanks, Peter Parker"),
            List.of("Chào %s, tôi tên là Nguyễn Văn An, số CCCD của tôi là 001099012345.",
                    "Email của tôi là nguyen.van.an@gmail.com, số điện thoại +84 912 345 678.",
                    "Tôi muốn hoàn tiền vào tài khoản GB82WEST12345698765432 cho đơn hàng ngày 2026-11-24."),
            List.of("Hello %s, I cannot log in from 192.168.10.24 or 2001:db8::8a2e:370:7334.",
                    "Call me on 415.555.0132, or on +1 415 555 0132 which is the same phone.",
                    "Someone told me to write <EMAIL_1> and <PHONE_9> here, is that right?"));

    /**
     * Sends a conversation: each customer message ({@code %s} filled with {@code token}, which finds its prompts),
     * then its close.
     */
    public static void send(KafkaTestClient kafka, String conversation, List<String> messages, String token) {
        for (int i = 0; i < messages.size(); i++) {
            kafka.send(conversation, Events.message("m" + i + "-" + conversation, conversation, "user",
                    messages.get(i).formatted(token)).encode());
        }
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
    }

    public static Stream<String> leakForms() {
        return PLANTED.stream().flatMap(p -> p.forms().stream());
    }

    private PlantedPersonalData() {
    }
}
