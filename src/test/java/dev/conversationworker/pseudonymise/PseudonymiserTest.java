package dev.conversationworker.pseudonymise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PseudonymiserTest {

    private static final byte[] KEY = "a key shared by the instances".getBytes(StandardCharsets.UTF_8);

    private final Pseudonymiser pseudonymiser = new Pseudonymiser();
    private final Pseudonyms pseudonyms = new Pseudonyms();

    private String pseudonymise(String text) {
        return pseudonymiser.pseudonymise(text, pseudonyms);
    }

    @Test
    void emailAddressesAreReplacedAndNumberedCaseInsensitively() {
        assertThat(pseudonymise("Write to John.Smith@Example.com or to ops@fpt.com.vn."))
                .isEqualTo("Write to <EMAIL_1> or to <EMAIL_2>.");
        assertThat(pseudonymise("again: john.smith@example.com")).isEqualTo("again: <EMAIL_1>");
    }

    @Test
    void phoneNumbersInTheIssuesFormatsAreReplaced() {
        assertThat(pseudonymise("Call +84 912 345 678, (212) 555-0134 or 415.555.0132"))
                .isEqualTo("Call <PHONE_1>, <PHONE_2> or <PHONE_3>");
    }

    @Test
    void aNumberWrittenNationallyAndInternationallyIsOneValue() {
        assertThat(pseudonymise("SĐT của em là 0912 345 678")).isEqualTo("SĐT của em là <PHONE_1>");
        assertThat(pseudonymise("hoặc +84 912 345 678 hoặc 0912.345.678")).isEqualTo("hoặc <PHONE_1> hoặc <PHONE_1>");
        assertThat(pseudonymise("or +1 (212) 555-0134 and 212-555-0134")).isEqualTo("or <PHONE_2> and <PHONE_2>");
        assertThat(pseudonymise("+84 912 345 678 / 0987 654 321")).isEqualTo("<PHONE_1> / <PHONE_3>");
        assertThat(pseudonymise("SĐT 0987654321,em cảm ơn")).isEqualTo("SĐT <PHONE_3>,em cảm ơn");
        assertThat(pseudonyms.replacedByKind()).isEqualTo(Map.of(PiiKind.PHONE, 3));
    }

    @Test
    void cardsAreReplacedWhenLuhnAndTheBrandAgree() {
        assertThat(pseudonymise("card 4111 1111 1111 1111, 5500-0000-0000-0004 and 378282246310005"))
                .isEqualTo("card <CARD_1>, <CARD_2> and <CARD_3>");
        assertThat(pseudonymise("I typed 4111 1111 1111 1112 by mistake")).isEqualTo(
                "I typed 4111 1111 1111 1112 by mistake");
    }

    @Test
    void aCitizenIdNextToACardAreTwoValues() {
        assertThat(pseudonymise("CCCD 001203004567 4111 1111 1111 1111")).isEqualTo("CCCD <CITIZEN_ID_1> <CARD_1>");
    }

    @Test
    void anEmailAddressHoldingDigitsIsOneValue() {
        assertThat(pseudonymise("mail 0912345678.4111111111111111@gmail.com")).isEqualTo("mail <EMAIL_1>");
    }

    @Test
    void aCardIsNotSoughtInsideALongerRunOfDigits() {
        String tracking = "tracking 94001118992231000123454111111111111111";
        assertThat(pseudonymise(tracking)).isEqualTo(tracking);
    }

    @Test
    void ibansAreReplacedGroupedOrNotAndTheirDigitGroupsAreNotPhones() {
        assertThat(pseudonymise("IBAN DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432."))
                .isEqualTo("IBAN <IBAN_1> or <IBAN_2>.");
        assertThat(pseudonymise("wrong DE89 3704 0044 0532 0130 01")).isEqualTo("wrong DE89 3704 0044 0532 0130 01");
        assertThat(pseudonyms.replacedByKind()).isEqualTo(Map.of(PiiKind.IBAN, 2));
    }

    @Test
    void ipAddressesAreReplacedButNotVersions() {
        assertThat(pseudonymise("from 192.168.1.20 and 2001:db8::1, on v2.14.3, iOS 17.4.1, v1.2.3.4"))
                .isEqualTo("from <IP_1> and <IP_2>, on v2.14.3, iOS 17.4.1, v1.2.3.4");
        assertThat(pseudonymise("again 2001:DB8:0:0:0:0:0:1")).isEqualTo("again <IP_2>");
    }

    @Test
    void ssnsFollowTheSsaRulesAndNeedTheDashedFormOrACue() {
        assertThat(pseudonymise("SSN 123-45-6789; ssn: 123456789; 666-12-3456; 123-00-4567"))
                .isEqualTo("SSN <SSN_1>; ssn: <SSN_1>; 666-12-3456; 123-00-4567");
    }

    @Test
    void citizenIdsNeedTheirWords() {
        assertThat(pseudonymise("Số CCCD của em là 001203004567, CMND 123456789, căn cước: 079203001234"))
                .isEqualTo("Số CCCD của em là <CITIZEN_ID_1>, CMND <CITIZEN_ID_2>, căn cước: <CITIZEN_ID_3>");
        assertThat(pseudonymise("My citizen ID number is 001203004567"))
                .isEqualTo("My citizen ID number is <CITIZEN_ID_1>");
        assertThat(pseudonymise("mã đơn hàng 001203004567")).isEqualTo("mã đơn hàng 001203004567");
    }

    @Test
    void namesAreReplacedWherePeopleIntroduceThemselves() {
        assertThat(pseudonymise("Hi, my name is John Smith. This is urgent."))
                .isEqualTo("Hi, my name is <NAME_1>. This is urgent.");
        assertThat(pseudonymise("Tôi tên là Nguyễn Văn An. Tôi là khách hàng thân thiết."))
                .isEqualTo("Tôi tên là <NAME_2>. Tôi là khách hàng thân thiết.");
        assertThat(pseudonymise("Chào shop, mình là Trần Thị Bích Ngọc nhé")).isEqualTo(
                "Chào shop, mình là <NAME_3> nhé");
        assertThat(pseudonymise("This is Sarah from Acme. I'm Vietnamese.")).isEqualTo(
                "This is <NAME_4> from Acme. I'm Vietnamese.");
        assertThat(pseudonymise("Thanks,\nMary Jones")).isEqualTo("Thanks, <NAME_5>");
        assertThat(pseudonymise("Trân trọng,\nLê Minh")).isEqualTo("Trân trọng, <NAME_6>");
        assertThat(pseudonymise("this is urgent, tôi là khách hàng, This is Samsung Galaxy S24"))
                .isEqualTo("this is urgent, tôi là khách hàng, This is Samsung Galaxy S24");
    }

    @Test
    void aNameIntroducedOnceIsReplacedInLaterMessagesToo() {
        pseudonymise("My name is John Smith.");
        assertThat(pseudonymise("John Smith again, still waiting")).isEqualTo("<NAME_1> again, still waiting");
    }

    @Test
    void whatTheAnalysisNeedsIsKeptVerbatim() {
        String kept = "Order #A-20931, ORD-55120034, đơn hàng 5512003412, order number 4155550132, $1,299.00, "
                + "2.500.000đ, 25000000 VND, on 2024-03-15 at 14:30, 15/03/2024, v2.14.3, iOS 17.4.1, SKU-88231-BLK, "
                + "SKU 4412093, tracking 1Z999AA10123456784, ticket TCK-448812, mã vận đơn 8812345678901";
        assertThat(pseudonymise(kept)).isEqualTo(kept);
        assertThat(pseudonyms.isEmpty()).isTrue();
    }

    @Test
    void theSameTenDigitsWithoutAReferenceWordAreAPhoneNumber() {
        assertThat(pseudonymise("call 4155550132")).isEqualTo("call <PHONE_1>");
    }

    @Test
    void anInvisibleCharacterInsideAValueDoesNotHideIt() {
        assertThat(pseudonymise("SĐT 0912\u200B345\u00AD678 hoặc a\u200Bb@gmail.com"))
                .isEqualTo("SĐT <PHONE_1> hoặc <EMAIL_1>");
    }

    @Test
    void placeholdersTypedByTheCustomerAreNeutralisedAndNeverRestored() {
        String sent = pseudonymise("My email is <EMAIL_1>, really a@b.com, and < phone_2 >");
        assertThat(sent).isEqualTo("My email is ‹EMAIL_1›, really <EMAIL_1>, and ‹ phone_2 ›");
        assertThat(pseudonyms.restore(sent)).isEqualTo("My email is ‹EMAIL_1›, really a@b.com, and ‹ phone_2 ›");
    }

    @Test
    void restoreGivesBackTheValuesAsFirstWrittenAndLeavesOtherPlaceholders() {
        String original = "Mail John.Smith@Example.com, call 0912 345 678, card 4111-1111-1111-1111.";
        String sent = pseudonymise(original);
        assertThat(pseudonyms.restore(sent)).isEqualTo(original);
        assertThat(pseudonyms.restore("<EMAIL_1> wrote from <PHONE_1>, not <PHONE_9> nor <IBAN_1>"))
                .isEqualTo("John.Smith@Example.com wrote from 0912 345 678, not <PHONE_9> nor <IBAN_1>");
    }

    @Test
    void replacedByKindCountsDistinctValuesInKindOrder() {
        pseudonymise("a@b.com a@b.com, 0912 345 678, Thanks, John");
        assertThat(pseudonyms.replacedByKind()).containsExactly(Map.entry(PiiKind.EMAIL, 1),
                Map.entry(PiiKind.PHONE, 1), Map.entry(PiiKind.NAME, 1));
        assertThat(new Pseudonyms().isEmpty()).isTrue();
        assertThat(new Pseudonyms().replacedByKind()).isEmpty();
    }

    @Test
    void placeholdersAreNumberedPerKindInOrderOfFirstAppearance() {
        assertThat(pseudonyms.placeholder(PiiKind.EMAIL, "x@y.com")).isEqualTo("<EMAIL_1>");
        assertThat(pseudonyms.placeholder(PiiKind.IP_ADDRESS, "10.0.0.1")).isEqualTo("<IP_1>");
        assertThat(pseudonyms.placeholder(PiiKind.EMAIL, "z@y.com")).isEqualTo("<EMAIL_2>");
        assertThat(pseudonyms.placeholder(PiiKind.EMAIL, "x@y.com")).isEqualTo("<EMAIL_1>");
        assertThat(PiiKind.IP_ADDRESS.wireName()).isEqualTo("ip_address");
        assertThat(PiiKind.CITIZEN_ID.label()).isEqualTo("CITIZEN_ID");
    }

    @Test
    void tokenisedMessagesKeepNoRawValueAndGiveConsistentPlaceholders() {
        String first = pseudonymiser.tokenise("Mail a@b.com, phone +84 912 345 678", KEY);
        String second = pseudonymiser.tokenise("SĐT 0912 345 678, mail c@d.com", KEY);
        assertThat(first).doesNotContain("a@b.com", "912")
                .matches("Mail ⟦EMAIL:[0-9a-f]{12}⟧, phone ⟦PHONE:[0-9a-f]{12}⟧");
        assertThat(second).doesNotContain("c@d.com", "912");
        assertThat(pseudonymiser.tokenise("Mail a@b.com, phone +84 912 345 678", KEY)).isEqualTo(first);
        assertThat(pseudonymiser.tokenise("Mail a@b.com", "another key".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(pseudonymiser.tokenise("Mail a@b.com", KEY));

        Pseudonyms conversation = new Pseudonyms();
        assertThat(pseudonymiser.pseudonymiseTokenised(first, conversation))
                .isEqualTo("Mail <EMAIL_1>, phone <PHONE_1>");
        assertThat(pseudonymiser.pseudonymiseTokenised(second, conversation))
                .isEqualTo("SĐT <PHONE_1>, mail <EMAIL_2>");
    }

    @Test
    void tokensAndPlaceholdersTypedByTheCustomerAreNeutralisedBeforeStoring() {
        String stored = pseudonymiser.tokenise("fake ⟦EMAIL:0123456789ab⟧ and <PHONE_1>", KEY);
        assertThat(stored).isEqualTo("fake 〚EMAIL:0123456789ab〛 and ‹PHONE_1›");
        Pseudonyms conversation = new Pseudonyms();
        assertThat(pseudonymiser.pseudonymiseTokenised(stored, conversation)).isEqualTo(stored);
        assertThat(conversation.isEmpty()).isTrue();
    }

    /** Long runs that would make a backtracking or recursive pattern blow up: each must simply be searched. */
    @Test
    void hostileInputIsSearchedInOnePass() {
        int n = 20_000;
        String[] hostile = {"1234567890 ".repeat(n / 10), "<" + "_".repeat(n), "A" + "b".repeat(n) + "1",
                "my name is A" + "b".repeat(n) + "1", "@".repeat(n), "a".repeat(n) + "@" + "b".repeat(n),
                "1:".repeat(n), "(0".repeat(n)};
        for (String text : hostile) {
            assertThat(pseudonymiser.pseudonymise(text, new Pseudonyms())).isNotNull();
        }
        assertThat(pseudonymiser.pseudonymise("call 0912345678 0987654321 0901234567 0912345679 0987654320",
                new Pseudonyms())).isEqualTo("call <PHONE_1> <PHONE_2> <PHONE_3> <PHONE_4> <PHONE_5>");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new Pseudonymiser(List.of("XX"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pseudonymiser(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pseudonymiser.tokenise("a@b.com", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheConfiguredRegionsNationalFormatsAreRecognised() {
        Pseudonymiser vietnamOnly = new Pseudonymiser(List.of("VN"));
        assertThat(vietnamOnly.pseudonymise("0912 345 678 or (415) 555-0132 or +1 415 555 0132", new Pseudonyms()))
                .isEqualTo("<PHONE_1> or (415) 555-0132 or <PHONE_2>");
    }
}
