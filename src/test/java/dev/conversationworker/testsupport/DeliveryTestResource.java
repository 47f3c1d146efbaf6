package dev.conversationworker.testsupport;

import java.util.HashMap;
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
        Map<String, String> config = new HashMap<>();
        config.put("worker.analysis-enabled", Boolean.toString(analysis));
        config.put("delivery.enabled", "true");
        config.put("delivery.webhook-url", chat.space("default", KEY, TOKEN, SIMULATED_PER_SECOND,
                GoogleChatSimulator.Faults.NONE));
        config.put("delivery.spaces.rejects.webhook-url", chat.space("rejects", KEY + "r", TOKEN + "r",
                SIMULATED_PER_SECOND, GoogleChatSimulator.Faults.NONE));
        config.put("delivery.spaces.rejects.kinds", "reject-test");
        config.put("delivery.spaces.revoked.webhook-url", chat.space("revoked", KEY + "v", TOKEN + "v",
                SIMULATED_PER_SECOND, GoogleChatSimulator.Faults.NONE));
        config.put("delivery.spaces.revoked.kinds", "revoke-test");
        synchronized (DeliveryTestResource.class) {
            resumeUrl = chat.space("resume", KEY + "m", TOKEN + "m", SIMULATED_PER_SECOND,
                    GoogleChatSimulator.Faults.NONE);
        }
        config.put("delivery.spaces.resume.webhook-url", resumeUrl);
        config.put("delivery.spaces.resume.kinds", "resume-test");
        config.put("delivery.spaces.leased.webhook-url", chat.space("leased", KEY + "l", TOKEN + "l",
                SIMULATED_PER_SECOND, GoogleChatSimulator.Faults.NONE));
        config.put("delivery.spaces.leased.kinds", "lease-test");
        config.put("delivery.max-per-second", "20");
        config.put("delivery.max-delay", "5s");
        config.put("delivery.probe-interval", "1s");
        config.put("delivery.retry-initial-backoff", "50ms");
        config.put("delivery.retry-max-backoff", "1s");
        config.put("delivery.request-timeout", "5s");
        config.put("delivery.key-prefix", KEY_PREFIX);
        config.put("topics.notifications", NOTIFICATIONS);
        config.put("topics.notifications-dead-letter", DEAD_LETTERS);
        config.put("mp.messaging.incoming.notification-delivery.group.id", "delivery-test-" + RUN);
        config.put("quarkus.log.file.enabled", "true");
        config.put("quarkus.log.file.path", "target/delivery-test-" + RUN + ".log");
        return config;
    }

    @Override
    public void stop() {
        // the simulator is shared by the JVM; its exit stops it
    }
}
