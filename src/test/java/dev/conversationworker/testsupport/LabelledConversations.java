package dev.conversationworker.testsupport;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.Role;
import dev.conversationworker.model.Severity;

/**
 * A labelled set of support chats in English and Vietnamese, generated from a seed: customer and bot turns, 2 to 30
 * messages, each conversation labelled with what a demanding on-call team would want (needs attention, and how
 * urgently) or not. The customer's phrasings were written as customers say things ("you took my money twice", "I'll
 * see you in court", "your app ate my payment"), independently of any analyzer's word lists, with hard negatives
 * that use the same words harmlessly ("thanks, the refund arrived").
 * <p>
 * Every phrasing belongs to one of two halves, alternately within its topic and language: a rule tuned on the
 * {@code tuning} half is measured on the {@code held-out} half, which it never saw. A conversation takes all its
 * topical phrasings from one half; only the neutral fillers ("ok", an order number) and the bot's turns are shared.
 */
public final class LabelledConversations {

    public static final long DEFAULT_SEED = 20261202L;

    /** What a conversation is about, and the truth for it. */
    public enum Topic {

        FRAUD(Severity.CRITICAL), DATA_LEAK(Severity.CRITICAL), LEGAL_THREAT(Severity.CRITICAL), MONEY_TAKEN(
                Severity.HIGH), SERVICE_DOWN(Severity.HIGH), ABUSIVE(Severity.HIGH), CANCELLATION_THREAT(
                        Severity.HIGH), HUMAN_REQUEST(Severity.MEDIUM), UNRESOLVED(Severity.MEDIUM), ORDER_STATUS(
                                Severity.NONE), HOW_TO(Severity.NONE), GREETING(Severity.NONE), THANKS(
                                        Severity.NONE), PRODUCT_INFO(Severity.NONE), MINOR_FRICTION(
                                                Severity.LOW), HARD_NEGATIVE(Severity.NONE);

        public final Severity truth;

        Topic(Severity truth) {
            this.truth = truth;
        }

        /** Medium and above: a human should look. */
        public boolean needsAttention() {
            return truth.atLeast(Severity.MEDIUM);
        }
    }

    /**
     * One way a customer says something about a topic.
     *
     * @param id {@code topic/language/index}, stable across seeds
     * @param heldOut in the held-out half (never to be tuned on)
     */
    public record Phrasing(String id, Topic topic, String language, boolean heldOut, String text) {
    }

    /**
     * A generated conversation and its truth.
     *
     * @param phrasing the phrasing that makes it what it is (its half is the conversation's half)
     */
    public record Labelled(String id, String language, Topic topic, Phrasing phrasing, List<HistoryEntry> history) {

        public Severity truth() {
            return topic.truth;
        }

        public boolean needsAttention() {
            return topic.needsAttention();
        }

        public boolean heldOut() {
            return phrasing.heldOut();
        }
    }

    /** Shares of the topics in the set, in percent: 30 % needs attention. */
    private static final Map<Topic, Integer> SHARES = new EnumMap<>(Map.ofEntries(Map.entry(Topic.FRAUD, 4),
            Map.entry(Topic.DATA_LEAK, 3), Map.entry(Topic.LEGAL_THREAT, 3), Map.entry(Topic.MONEY_TAKEN, 4),
            Map.entry(Topic.SERVICE_DOWN, 3), Map.entry(Topic.ABUSIVE, 3), Map.entry(Topic.CANCELLATION_THREAT, 3),
            Map.entry(Topic.HUMAN_REQUEST, 3), Map.entry(Topic.UNRESOLVED, 4), Map.entry(Topic.ORDER_STATUS, 15),
            Map.entry(Topic.HOW_TO, 12), Map.entry(Topic.GREETING, 7), Map.entry(Topic.THANKS, 5),
            Map.entry(Topic.PRODUCT_INFO, 12), Map.entry(Topic.MINOR_FRICTION, 8),
            Map.entry(Topic.HARD_NEGATIVE, 11)));

    private static final Map<Topic, String[]> EN = new EnumMap<>(Topic.class);
    private static final Map<Topic, String[]> VI = new EnumMap<>(Topic.class);

    static {
        EN.put(Topic.FRAUD, new String[]{"Someone got into my account and changed my email address.",
                "There are three orders on my account that I never placed.",
                "I think I've been hacked, I got a login alert from a country I've never been to.",
                "My card was used on your site for purchases I didn't make.",
                "Somebody pretending to be your company texted me a payment link and I paid. Now the money is gone.",
                "I can't log in anymore and my saved card was just charged {AMOUNT} for gift cards. That wasn't me.",
                "Who is this person in my account? My address and phone number were replaced overnight.",
                "I got a code by SMS I didn't ask for and then my wallet balance went to zero.",
                "A guy on the phone said he was from your support, asked for my password, and now my account is "
                        + "emptied.",
                "A stranger is using my account to ship stuff to another city.",
                "I received an email from your 'billing team' and they took {AMOUNT} from me. It was fake.",
                "Please freeze my account right now, somebody else is buying things with it."});
        VI.put(Topic.FRAUD, new String[]{"Có ai đó đã đăng nhập vào tài khoản của tôi và đổi mật khẩu.",
                "Tài khoản của em bị người lạ chiếm mất rồi shop ơi.",
                "Em không hề đặt mấy đơn này, sao tài khoản em lại có?",
                "Thẻ của tôi bị dùng để mua hàng trên app mà tôi không hề biết.",
                "Có người giả danh nhân viên shop gọi cho em xin mã OTP, em lỡ đưa rồi, giờ tiền trong ví mất hết.",
                "Sáng nay em nhận được tin nhắn đổi số điện thoại tài khoản, em không làm việc đó.",
                "Tôi bị lừa chuyển khoản {AMOUNT} cho một trang giả mạo cửa hàng của các bạn.",
                "Ví của tôi tự nhiên về 0 đồng, tôi không rút tiền gì cả.",
                "Ai đó đang dùng tài khoản của mình để đặt hàng giao về Hà Nội, mình ở Cần Thơ mà.",
                "Email đăng nhập của em bị đổi sang một địa chỉ lạ hoắc."});

        EN.put(Topic.DATA_LEAK, new String[]{
                "When I opened my order page I saw another customer's name, address and phone number.",
                "Your confirmation email had someone else's invoice attached, with their card's last digits.",
                "My personal details are on some public website and the only place I ever gave them was your shop.",
                "I can see other people's orders in my account history. That is a serious privacy problem.",
                "I got a newsletter listing the email addresses of hundreds of your customers in the To field.",
                "Why does a stranger know my order number and home address? They called me and read them out.",
                "Your app shows my ID photo to anyone who has the link, I just tested it in a private window.",
                "A delivery driver posted my parcel label with my full address on social media.",
                "Somebody sent me a spreadsheet of your customer list. My row is in it.",
                "The chat transcript you emailed me contains another user's conversation."});
        VI.put(Topic.DATA_LEAK, new String[]{
                "Vào trang đơn hàng em lại thấy tên, địa chỉ và số điện thoại của một khách khác.",
                "Email xác nhận gửi cho tôi lại đính kèm hóa đơn của người khác.",
                "Thông tin cá nhân của tôi bị lộ ra ngoài, có người gọi đọc đúng địa chỉ và đơn hàng của tôi.",
                "Trong lịch sử mua hàng của em có đơn của người lạ, vậy người khác cũng xem được đơn của em à?",
                "Shop gửi email mà để lộ hết danh sách email khách hàng ở phần người nhận.",
                "Link ảnh căn cước em gửi cho shop ai mở cũng xem được, em vừa thử bằng máy khác.",
                "Có người gửi cho tôi file danh sách khách hàng của công ty bạn, trong đó có cả tên tôi.",
                "Dữ liệu của tôi bị rò rỉ từ bên các bạn, giờ ngày nào tôi cũng nhận hàng chục cuộc gọi rác."});

        EN.put(Topic.LEGAL_THREAT, new String[]{"I'll see you in court.",
                "My lawyer will be contacting you about this.",
                "I am filing a complaint with the consumer protection agency tomorrow.",
                "If this isn't sorted by Friday I'm taking legal action.", "I'm going to sue your company.",
                "I've already spoken to an attorney and he says you're liable.", "Expect a letter from my solicitor.",
                "I'm reporting you to the police and the trade authority.",
                "This is a breach of contract and I will pursue it in small claims court.",
                "I'll be contacting the ombudsman and my bank's legal department."});
        VI.put(Topic.LEGAL_THREAT, new String[]{"Tôi sẽ kiện công ty các bạn ra tòa.",
                "Luật sư của tôi sẽ liên hệ với bên bạn.",
                "Tôi sẽ gửi đơn lên Hội bảo vệ quyền lợi người tiêu dùng.",
                "Không giải quyết thì gặp nhau ở tòa.", "Tôi sẽ báo công an vụ này.",
                "Tôi đã nhờ luật sư tư vấn, bên bạn phải chịu trách nhiệm.",
                "Tôi sẽ khởi kiện nếu thứ Sáu này chưa có câu trả lời.", "Tôi sẽ tố cáo lên Bộ Công Thương."});

        EN.put(Topic.MONEY_TAKEN, new String[]{"You took my money twice for the same order.",
                "I was billed two times for order {ORDER}, {AMOUNT} each.",
                "Your app ate my payment: the money left my bank but the order says unpaid.",
                "I returned the item {DAYS} days ago and still no refund. Where is my money?",
                "My bank statement shows the same charge from you three times.",
                "I cancelled before it shipped and you still kept my {AMOUNT}.",
                "Your refund came back short by {AMOUNT}, that's not what we agreed.",
                "The checkout crashed, I paid again, and now both payments went through.",
                "I've been promised a refund four times now and nothing has arrived.",
                "You charged me for a subscription I cancelled last month.",
                "The money is gone from my account but you say you never received it."});
        VI.put(Topic.MONEY_TAKEN, new String[]{"Shop trừ tiền em hai lần cho cùng một đơn.",
                "Tài khoản ngân hàng bị trừ {AMOUNT} mà đơn vẫn báo chưa thanh toán.",
                "Em trả hàng {DAYS} ngày rồi mà vẫn chưa thấy hoàn tiền.",
                "Sao tôi bị trừ tiền 3 lần trong sao kê vậy?",
                "Em hủy đơn trước khi giao mà tiền vẫn không được trả lại.",
                "Tiền hoàn về thiếu {AMOUNT} so với số đã thỏa thuận.",
                "Đã hứa hoàn tiền mấy lần rồi mà vẫn không thấy đâu.",
                "Em hủy gói từ tháng trước mà tháng này vẫn bị trừ tiền.",
                "Thanh toán lỗi nên em trả lại lần nữa, giờ mất tiền cả hai lần."});

        EN.put(Topic.SERVICE_DOWN, new String[]{
                "Your app has been down for us since this morning, none of our cashiers can take payments.",
                "I can't log in at all, it just spins and then says error 503.",
                "The whole dashboard is blank for our store and we have customers waiting.",
                "Nothing loads since the update, I've reinstalled twice.",
                "Our integration stopped syncing orders two hours ago, we're losing sales.",
                "Your website won't let me pay, every card gets rejected with a server error.",
                "My account is locked and the reset link doesn't work, I need to get in for work today.",
                "The service has been unreachable for us all day.",
                "The app crashes the second I open it, I can't access anything.",
                "The payment terminal you gave us is offline and won't reconnect."});
        VI.put(Topic.SERVICE_DOWN, new String[]{
                "App không vào được từ sáng tới giờ, cửa hàng em không bán được hàng.",
                "Đăng nhập cứ báo lỗi 503 mãi thôi.",
                "Trang quản lý của shop em trắng trơn, khách đang chờ thanh toán.",
                "Từ lúc cập nhật app không load được gì cả.",
                "Hệ thống đồng bộ đơn hàng bị ngừng hai tiếng rồi, bên em mất đơn liên tục.",
                "Web không cho thanh toán, thẻ nào cũng bị báo lỗi máy chủ.",
                "Tài khoản em bị khóa, link đặt lại mật khẩu cũng không dùng được.",
                "Mở app lên là bị văng ra, không dùng được gì hết.",
                "Máy POS bên bạn đưa cho cửa hàng mất kết nối cả ngày nay."});

        EN.put(Topic.ABUSIVE, new String[]{"This is the worst service I have ever dealt with. Absolutely useless.",
                "Are you people incompetent or just lazy?",
                "I'm sick and tired of copy-paste answers from a stupid bot.",
                "WHY IS NOBODY ANSWERING ME. THIS IS RIDICULOUS.", "You clowns have wasted three hours of my day.",
                "I'm beyond furious right now.", "Don't you dare tell me to be patient again.",
                "What a joke of a company. Shame on you.", "I've had it with you people, this is a disgrace.",
                "Stop wasting my time with this garbage."});
        VI.put(Topic.ABUSIVE, new String[]{"Dịch vụ gì mà tệ hại thế không biết.",
                "Các người làm ăn kiểu gì vậy hả?", "Tôi chán ngấy cái bot trả lời vớ vẩn này rồi.",
                "SAO KHÔNG AI TRẢ LỜI TÔI VẬY, BỰC MÌNH QUÁ.", "Đồ vô dụng, mất cả buổi sáng của tôi.",
                "Tôi đang điên lắm rồi đấy.", "Đừng bảo tôi chờ thêm nữa, tôi chờ đủ rồi.",
                "Công ty gì mà làm ăn như hạch.", "Thật là quá đáng, không thể chấp nhận được."});

        EN.put(Topic.CANCELLATION_THREAT, new String[]{
                "If this isn't fixed today I'm cancelling my subscription and moving to a competitor.",
                "I'm done with you. Close my account.",
                "Give me one reason not to switch to another provider right now.",
                "I've been a customer for six years and this is how you treat me? I'm leaving.",
                "Cancel everything. I'll take my business elsewhere.",
                "Unless I get my money back I'm ending the contract.",
                "We're seriously considering dropping your service for the whole company.",
                "This is the last straw, I won't renew.",
                "Never ordering from you again, and I'm telling my friends the same."});
        VI.put(Topic.CANCELLATION_THREAT, new String[]{
                "Không sửa được trong hôm nay thì tôi hủy gói chuyển sang bên khác.",
                "Tôi chán rồi, xóa tài khoản cho tôi.",
                "Mua ở đây sáu năm mà bị đối xử thế này à? Tôi không mua nữa.", "Hủy hết đi, tôi sang shop khác mua.",
                "Không hoàn tiền thì tôi chấm dứt hợp đồng.", "Công ty tôi đang tính bỏ dịch vụ bên bạn đấy.",
                "Lần này là lần cuối, tôi sẽ không gia hạn nữa.",
                "Từ giờ tôi không bao giờ mua ở đây nữa, còn bảo bạn bè đừng mua."});

        EN.put(Topic.HUMAN_REQUEST, new String[]{"Can I speak to a real person please?", "Get me your manager.",
                "I don't want to talk to a bot, put me through to someone.", "Is there an actual human I can talk to?",
                "Transfer me to a supervisor.", "I need someone from your team to call me back today.",
                "Let me talk to an agent.", "This bot doesn't understand, I want a live agent.",
                "Who is in charge there? I want to escalate this."});
        VI.put(Topic.HUMAN_REQUEST, new String[]{"Cho tôi nói chuyện với nhân viên thật.",
                "Gọi quản lý của bạn ra đây.", "Tôi không muốn nói chuyện với bot nữa.",
                "Có người thật nào hỗ trợ không vậy?", "Chuyển cho tôi gặp tư vấn viên đi.",
                "Nhờ bên bạn gọi lại cho em trong hôm nay nhé, em cần người xử lý trực tiếp.",
                "Bot không hiểu gì cả, cho em gặp người hỗ trợ.",
                "Ai là người phụ trách? Tôi muốn khiếu nại lên cấp trên."});

        EN.put(Topic.UNRESOLVED, new String[]{
                "My package says delivered but it's not here, and this is the third time I'm asking.",
                "The blender arrived broken and nobody has replied to my photos.", "You sent me the wrong size again.",
                "It's been two weeks and my order still hasn't shipped.",
                "The replacement you sent has the same defect.", "I followed all your steps and it still doesn't work.",
                "Half of my order is missing.",
                "I was told someone would get back to me within 24 hours. That was last week.",
                "The discount code was not applied and I was charged full price.",
                "The courier keeps saying no one was home but I was home all day."});
        VI.put(Topic.UNRESOLVED, new String[]{
                "Hệ thống báo đã giao mà em chưa nhận được hàng, em hỏi lần thứ ba rồi.",
                "Máy xay giao tới bị vỡ, em gửi ảnh mà chưa ai trả lời.", "Shop lại gửi nhầm size nữa rồi.",
                "Hai tuần rồi mà đơn vẫn chưa được gửi đi.", "Hàng đổi lại cũng bị lỗi y như cái cũ.",
                "Em làm đúng hướng dẫn rồi mà vẫn không được.", "Đơn của em thiếu mất một nửa số món.",
                "Nói là 24 giờ sẽ có người liên hệ mà cả tuần rồi chưa thấy.",
                "Shipper cứ báo không có người nhận trong khi em ở nhà cả ngày."});

        EN.put(Topic.ORDER_STATUS, new String[]{"Where is my order {ORDER}?", "When will my parcel arrive?",
                "Has order {ORDER} shipped yet?", "Can you give me the tracking number for my last order?",
                "Is it possible to change the delivery address for {ORDER}?",
                "What time does the courier usually come?", "Can I pick up my order at the store instead?",
                "How long does shipping to Da Nang take?"});
        VI.put(Topic.ORDER_STATUS, new String[]{"Đơn {ORDER} của em đến đâu rồi ạ?",
                "Khi nào hàng của em tới vậy shop?", "Đơn của mình gửi đi chưa ạ?", "Cho em xin mã vận đơn với.",
                "Em đổi địa chỉ nhận hàng được không ạ?", "Shipper thường giao mấy giờ vậy shop?",
                "Em qua cửa hàng lấy được không ạ?", "Giao ra Đà Nẵng mất mấy ngày ạ?"});

        EN.put(Topic.HOW_TO, new String[]{"How do I change my password?",
                "How can I add a second delivery address?", "How do I turn on two-factor authentication?",
                "Where can I download my invoices?", "How do I update my card details?", "How do I return an item?",
                "Can I switch the app to Vietnamese?", "How do I use a gift card at checkout?"});
        VI.put(Topic.HOW_TO, new String[]{"Làm sao để đổi mật khẩu ạ?", "Thêm địa chỉ giao hàng thứ hai thế nào ạ?",
                "Bật xác thực hai lớp ở đâu vậy shop?", "Em tải hóa đơn ở đâu ạ?",
                "Cập nhật thẻ thanh toán thế nào ạ?", "Muốn đổi trả hàng thì làm sao ạ?",
                "App có chuyển sang tiếng Anh được không?", "Dùng thẻ quà tặng khi thanh toán thế nào ạ?"});

        EN.put(Topic.GREETING, new String[]{"Hi there!", "Good morning :)", "Hello, anyone there?",
                "How's your day going?", "Are you a robot? haha", "Happy new year to the team!",
                "Just testing this chat thing.", "hey, quick one for you"});
        VI.put(Topic.GREETING, new String[]{"Chào shop ạ", "Alo shop ơi", "Chào buổi sáng nha",
                "Shop hôm nay có khỏe không?", "Bạn là người hay máy vậy hihi", "Chúc shop năm mới vui vẻ!",
                "Em thử chat xem có ai không thôi.", "Hi shop, cho em hỏi chút"});

        EN.put(Topic.THANKS, new String[]{"Thanks, that's all I needed!", "Great, got it. Thank you!",
                "Perfect, thanks a lot.", "Awesome, you've been very helpful.", "Ok cool, have a nice day.",
                "Thank you so much, problem solved."});
        VI.put(Topic.THANKS, new String[]{"Dạ em cảm ơn shop nhiều ạ", "Ok em hiểu rồi, cảm ơn nha",
                "Tuyệt vời, cảm ơn bạn", "Shop hỗ trợ nhiệt tình quá, cảm ơn ạ", "Vâng, chúc shop một ngày tốt lành",
                "Xong rồi ạ, cảm ơn nhiều."});

        EN.put(Topic.PRODUCT_INFO, new String[]{"Does the X200 blender come in black?", "Is this jacket waterproof?",
                "What's the battery life on the wireless earbuds?", "Do you ship to Singapore?",
                "Is the 128 GB model back in stock?", "What's the difference between the Pro and the Lite plan?",
                "Are your products vegan?", "Does this charger work with an iPhone 15?"});
        VI.put(Topic.PRODUCT_INFO, new String[]{"Máy xay X200 có màu đen không ạ?", "Áo này có chống nước không shop?",
                "Tai nghe này pin dùng được bao lâu ạ?", "Shop có giao đi Singapore không?",
                "Bản 128 GB có hàng lại chưa ạ?", "Gói Pro với gói Lite khác nhau chỗ nào ạ?",
                "Sản phẩm này bé dưới 3 tuổi dùng được không ạ?", "Sạc này dùng cho iPhone 15 được không ạ?"});

        EN.put(Topic.MINOR_FRICTION, new String[]{"The page was a bit slow earlier but it worked in the end.",
                "Delivery was a day late, no big deal, just letting you know.",
                "The box was slightly dented but the product is fine.",
                "I had to enter my address twice because the form reset once. Anyway it's done.",
                "The tracking page didn't update for a day but the parcel came.",
                "The app logged me out once today, logging back in fixed it."});
        VI.put(Topic.MINOR_FRICTION, new String[]{"Lúc nãy web hơi chậm nhưng cuối cùng cũng đặt được.",
                "Giao trễ một ngày, không sao đâu, em báo shop biết thôi.",
                "Hộp hơi móp chút nhưng đồ bên trong vẫn ổn.",
                "Form bị reset một lần nên em nhập lại địa chỉ, giờ xong rồi.",
                "Trang theo dõi đơn không cập nhật một ngày nhưng hàng vẫn tới.",
                "App tự đăng xuất một lần, đăng nhập lại là được."});

        EN.put(Topic.HARD_NEGATIVE, new String[]{"How do I request a copy of your refund policy document?",
                "Thanks, the refund arrived this morning!",
                "Do you have any fraud protection for buyers? Just curious before I order.",
                "What's your company's legal name for my expense report?",
                "I want to cancel order {ORDER}, I picked the wrong colour. No problem at all.",
                "Is there a charge for a second delivery attempt?",
                "Your last update fixed the crash, the app works great now.",
                "My account was locked because I typed the wrong password, but the reset worked, all good.",
                "I saw the charge twice but it was just the pending authorisation, it's gone now.",
                "How does your privacy policy handle my address data?",
                "I'd like to close my old duplicate account, I made two by mistake.",
                "Does the subscription renew automatically or do I need to cancel it myself?"});
        VI.put(Topic.HARD_NEGATIVE, new String[]{"Cho em xin văn bản chính sách hoàn tiền với ạ.",
                "Em nhận được tiền hoàn rồi nhé, cảm ơn shop.",
                "Shop có chính sách chống lừa đảo cho người mua không ạ, em hỏi cho biết thôi?",
                "Tên pháp lý của công ty để em ghi hóa đơn là gì ạ?",
                "Em muốn hủy đơn {ORDER} vì đặt nhầm màu, không sao đâu ạ.", "Giao lại lần hai có mất phí không shop?",
                "Bản cập nhật mới sửa lỗi văng app rồi, giờ dùng ngon lắm.",
                "Tài khoản em bị khóa do nhập sai mật khẩu, nhưng đặt lại xong rồi, ổn rồi ạ.",
                "Em thấy bị trừ tiền hai lần nhưng đó chỉ là tạm giữ, giờ mất rồi ạ.",
                "Chính sách bảo mật bên mình lưu địa chỉ của khách thế nào ạ?",
                "Em muốn xóa tài khoản phụ tạo nhầm ạ.", "Gói đăng ký có tự gia hạn không hay em phải tự hủy ạ?"});
    }

    /** Customer turns that say nothing about the topic: in any conversation. */
    private static final String[] EN_FILLERS = {"Hi", "Hello", "My order number is {ORDER}.", "It's {ORDER}.", "ok",
            "yes", "I ordered it on Monday.", "The email is the same as on this chat.", "one sec",
            "It was {AMOUNT}.", "Sure.", "I'm on the Android app."};
    private static final String[] VI_FILLERS = {"Dạ", "Vâng ạ", "Mã đơn của em là {ORDER} ạ", "Đơn {ORDER} ạ",
            "ok shop", "Em đặt hôm thứ Hai", "Đợi em xíu", "Dạ đúng rồi ạ", "Email giống tài khoản chat này ạ",
            "Tổng là {AMOUNT} ạ", "Em dùng app trên Android"};
    /** Impatient turns: only in conversations that need attention (an LLM reads them as a waiting customer). */
    private static final String[] EN_IMPATIENT = {"Any update?", "hello??", "Still waiting.", "I already did that.",
            "That doesn't answer my question."};
    private static final String[] VI_IMPATIENT = {"Sao rồi shop?", "Alo??", "Vẫn đang chờ đây", "Em làm rồi mà",
            "Trả lời không đúng câu em hỏi"};
    private static final String[] EN_BOT = {"Thanks for reaching out! Could you share your order number?",
            "Let me check that for you.", "Thank you, one moment please.", "I've found your order.",
            "Is there anything else I can help you with?", "Could you tell me a bit more?",
            "Here is an article that may help: Help Center > Orders.",
            "Our team will review this and get back to you.", "Refunds usually take 5 to 7 business days."};
    private static final String[] VI_BOT = {"Dạ shop chào anh/chị, anh/chị cho shop xin mã đơn hàng ạ.",
            "Dạ shop kiểm tra ngay ạ.", "Anh/chị vui lòng chờ trong giây lát ạ.",
            "Shop đã tìm thấy đơn hàng của anh/chị.", "Anh/chị cần shop hỗ trợ thêm gì không ạ?",
            "Anh/chị mô tả rõ hơn giúp shop được không ạ?", "Bộ phận liên quan sẽ phản hồi anh/chị sớm ạ.",
            "Tiền hoàn thường về trong 5 đến 7 ngày làm việc ạ."};
    private static final String[] EN_SORRY = {"I'm sorry to hear that.", "I understand, and I apologise for the "
            + "trouble.", "I'm sorry about this. I've passed your case to our team."};
    private static final String[] VI_SORRY = {"Dạ shop rất xin lỗi về sự bất tiện này ạ.",
            "Shop hiểu ạ, shop đã chuyển trường hợp của anh/chị cho bộ phận phụ trách."};

    private LabelledConversations() {
    }

    /** Every phrasing of the set, with its half. */
    public static List<Phrasing> phrasings() {
        List<Phrasing> all = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            addPhrasings(all, topic, "en", EN.get(topic));
            addPhrasings(all, topic, "vi", VI.get(topic));
        }
        return all;
    }

    private static void addPhrasings(List<Phrasing> all, Topic topic, String language, String[] texts) {
        for (int i = 0; i < texts.length; i++) {
            String id = topic.name().toLowerCase(Locale.ROOT) + "/" + language + "/" + i;
            all.add(new Phrasing(id, topic, language, i % 2 == 1, texts[i]));
        }
    }

    /** {@code count} conversations, the same for the same seed; half English, half Vietnamese. */
    public static List<Labelled> generate(long seed, int count) {
        Random random = new Random(seed);
        List<Phrasing> phrasings = phrasings();
        List<Labelled> set = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            String language = n % 2 == 0 ? "en" : "vi";
            Topic topic = drawTopic(random);
            boolean heldOut = random.nextBoolean();
            set.add(conversation("c" + n, language, topic, heldOut, phrasings, random));
        }
        return set;
    }

    private static Topic drawTopic(Random random) {
        int draw = random.nextInt(100);
        for (Map.Entry<Topic, Integer> share : SHARES.entrySet()) {
            draw -= share.getValue();
            if (draw < 0) {
                return share.getKey();
            }
        }
        throw new IllegalStateException("shares must add up to 100");
    }

    private static Labelled conversation(String id, String language, Topic topic, boolean heldOut,
            List<Phrasing> phrasings, Random random) {
        List<Phrasing> ofTopic = phrasings.stream()
                .filter(p -> p.topic() == topic && p.language().equals(language) && p.heldOut() == heldOut)
                .toList();
        // Thanks and "it worked in the end" would end the problem of a conversation that needs attention.
        List<Topic> aside = topic.needsAttention()
                ? List.of(Topic.ORDER_STATUS, Topic.HOW_TO, Topic.GREETING, Topic.PRODUCT_INFO)
                : List.of(Topic.ORDER_STATUS, Topic.HOW_TO, Topic.GREETING, Topic.THANKS, Topic.PRODUCT_INFO,
                        Topic.MINOR_FRICTION);
        List<Phrasing> harmless = phrasings.stream()
                .filter(p -> aside.contains(p.topic()) && p.language().equals(language) && p.heldOut() == heldOut)
                .toList();
        boolean english = language.equals("en");
        int messages = length(random);
        int userTurns = (messages + 1) / 2;
        String[] customer = new String[userTurns];
        Phrasing main = pick(ofTopic, random);
        int at = random.nextInt(userTurns);
        customer[at] = main.text();
        if (topic.needsAttention() && userTurns > 1 && random.nextInt(100) < 35) {
            int again = (at + 1 + random.nextInt(userTurns - 1)) % userTurns;
            customer[again] = pick(ofTopic, random).text();
        }
        for (int i = 0; i < userTurns; i++) {
            if (customer[i] != null) {
                continue;
            }
            int kind = random.nextInt(100);
            if (kind < 35) {
                customer[i] = pick(harmless, random).text();
            } else if (kind < 55 && topic.needsAttention() && i > at) {
                customer[i] = pick(english ? EN_IMPATIENT : VI_IMPATIENT, random);
            } else {
                customer[i] = pick(english ? EN_FILLERS : VI_FILLERS, random);
            }
        }
        List<HistoryEntry> history = new ArrayList<>(messages);
        for (int m = 0; m < messages; m++) {
            String timestamp = String.format(Locale.ROOT, "2026-11-24T10:%02d:%02dZ", m / 2, (m * 17) % 60);
            if (m % 2 == 0) {
                String text = customerStyle(fill(customer[m / 2], english, random), english, random);
                if (m / 2 == at && m > 0 && random.nextInt(100) < 30) {
                    String filler = customerStyle(fill(pick(english ? EN_FILLERS : VI_FILLERS, random), english,
                            random), english, random);
                    text = filler + (filler.matches(".*[.!?]$") ? " " : ". ") + text;
                }
                history.add(new HistoryEntry(id + "-" + m, Role.USER.wireName(), text, timestamp));
            } else {
                boolean sorry = topic.needsAttention() && m / 2 >= at && random.nextInt(100) < 40;
                String text = sorry
                        ? pick(english ? EN_SORRY : VI_SORRY, random)
                        : pick(english ? EN_BOT : VI_BOT, random);
                history.add(new HistoryEntry(id + "-" + m, Role.ASSISTANT.wireName(), text, timestamp));
            }
        }
        return new Labelled(id, language, topic, main, List.copyOf(history));
    }

    /** 2 to 30 messages, short ones most often (as in support chats). */
    private static int length(Random random) {
        int draw = random.nextInt(100);
        if (draw < 50) {
            return 2 + random.nextInt(5); // 2..6
        }
        if (draw < 80) {
            return 7 + random.nextInt(8); // 7..14
        }
        return 15 + random.nextInt(16); // 15..30
    }

    /** As customers type: often all lower case; Vietnamese often without its diacritics. */
    private static String customerStyle(String text, boolean english, Random random) {
        String styled = text;
        if (!english && random.nextInt(100) < 20) {
            styled = withoutDiacritics(styled);
        }
        if (random.nextInt(100) < 25) {
            styled = styled.toLowerCase(Locale.ROOT);
            if (styled.endsWith(".")) {
                styled = styled.substring(0, styled.length() - 1);
            }
        }
        return styled;
    }

    static String withoutDiacritics(String text) {
        String decomposed = Normalizer.normalize(text.replace('đ', 'd').replace('Đ', 'D'), Normalizer.Form.NFD);
        return decomposed.replaceAll("\\p{M}", "");
    }

    private static String fill(String template, boolean english, Random random) {
        return template.replace("{ORDER}", (english ? "#" : "DH") + (100_000 + random.nextInt(900_000)))
                .replace("{AMOUNT}", english
                        ? String.format(Locale.ROOT, "$%d.%02d", 5 + random.nextInt(900),
                                random.nextInt(100))
                        : String.format(Locale.ROOT, "%d.000đ", 50 + random.nextInt(5_000)))
                .replace("{DAYS}", Integer.toString(5 + random.nextInt(26)));
    }

    private static <T> T pick(List<T> items, Random random) {
        return items.get(random.nextInt(items.size()));
    }

    private static String pick(String[] items, Random random) {
        return items[random.nextInt(items.length)];
    }
}
