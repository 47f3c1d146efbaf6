package dev.conversationworker.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A {@link GoogleChatSimulator} with the spaces of {@link WithDelivery}, and the worker's delivery settings. A
 * delivery-only worker, unless the {@code analysis} argument is {@code on}.
 */
public class DeliveryTestResource implements QuarkusTestResourceLifecycleManager {

    /** Known secret parts of the webhook URLs: a test checks they never leak. */
    public static final String KEY = "AIzaSy-KEY-SECRET-d41f";
    public static final String TOKEN = "tok-SECRET-8e2b7a";
    public static final int SIMULATED_PER_SECOND = 25;
    public static final String RUN = Long.toString(System.currentTimeMillis(), 36);
    public static final String NOTIFICATIONS = "delivery-test-notifications-" + RUN;
    public static final String DEAD_LETTERS = "delivery-test-dlq-" + RUN;
    public static final String KEY_PREFIX = "cw-test-" + RUN + ":delivery";

    private static GoogleChatSimulator simulator;
    private static String resumeUrl;
    private boolean analysis;

    @Override
    public void init(Map<String, String> initArgs) {
        analysis = "on".equals(initArgs.get("analysis"));
    }

    /** The webhook of space {@code resume} (kind {@code resume-test}), for a test to act as an earlier sender. */
    public static synchronized String resumeUrl() {
        return resumeUrl;
    }

    public static synchronized GoogleChatSimulator simulator() {
        if (simulator == null) {
            simulator = new GoogleChatSimulator();
        }
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        Infrastructure.get().createTopics(Map.of(NOTIFICATIONS, 1, DEAD_LETTERS, 1));
        GoogleChatSimulator chat = simulator();
        String resume;
        synchronized (DeliveryTestResource.class) {
            resume = resumeUrl = chat.space("resume", KEY + "m", TOKEN + "m", SIMULATED_PER_SECOND,
                    GoogleChatSimulator.Faults.NONE);
        }
        return DeliverySettings.deliveryOnly(space(chat, "default", ""), 20, "5s").analysis(analysis)
                .space("rejects", space(chat, "rejects", "r"), "reject-test")
                .space("revoked", space(chat, "revoked", "v"), "revoke-test")
                .space("resume", resume, "resume-test")
                .space("leased", space(chat, "leased", "l"), "lease-test")
                .delivery("probe-interval", "1s").retries("50ms", "1s").delivery("request-timeout", "5s")
                .run(KEY_PREFIX, NOTIFICATIONS, DEAD_LETTERS, "delivery-test-" + RUN)
                .logFile("target/delivery-test-" + RUN + ".log").properties();
    }

    /** A space on the simulator, its webhook's key and token the known secrets with {@code suffix} appended. */
    private static String space(GoogleChatSimulator chat, String name, String suffix) {
        return chat.space(name, KEY + suffix, TOKEN + suffix, SIMULATED_PER_SECOND, GoogleChatSimulator.Faults.NONE);
    }

    @Override
    public void stop() {
        // the simulator is shared by the JVM; its exit stops it
    }
}
