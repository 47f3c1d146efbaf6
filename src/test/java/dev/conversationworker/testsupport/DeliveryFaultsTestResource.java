package dev.conversationworker.testsupport;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The spaces of {@link WithDeliveryFaults} on the shared {@link GoogleChatSimulator} (named {@code <run>-<space>}
 * there, so they never meet another profile's), and delivery settings that make faults quick: a pace of 1,000 per
 * second, retries after 1–2 ms, a budget of 5 attempts per message, {@code Retry-After} capped at 1 s, at most 10
 * records or 64 KiB held per space and 60 records parked per space. With the argument {@code dead-letters=unwritable}
 * the dead-letter topic is one Kafka refuses (an invalid name), as a missing topic on a broker that does not create
 * topics.
 */
public class DeliveryFaultsTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String RUN = "f" + Long.toString(System.nanoTime(), 36);
    public static final int MAX_ATTEMPTS = 5;
    public static final int MAX_HELD = 10;
    public static final int MAX_HELD_BYTES = 64 * 1024;
    public static final int MAX_PARKED = 60;
    /** The spaces: worker name, routed by kind {@code <name>-test} (the default space takes the rest). */
    public static final String[] SPACES = {"stuck", "poison", "flaky", "throttled"};

    private boolean deadLettersWritable = true;
    private String notifications;
    private String deadLetters;

    /** The simulator's name of a worker space of this profile. */
    public static String simulated(String profile, String space) {
        return RUN + "-" + profile + "-" + space;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        deadLettersWritable = !"unwritable".equals(initArgs.get("dead-letters"));
    }

    @Override
    public Map<String, String> start() {
        String profile = deadLettersWritable ? "faults" : "nodlq";
        notifications = "delivery-" + profile + "-notifications-" + RUN;
        deadLetters = deadLettersWritable ? "delivery-" + profile + "-dlq-" + RUN : "no such topic " + RUN;
        Infrastructure.get().createTopics(deadLettersWritable
                ? Map.of(notifications, 1, deadLetters, 1)
                : Map.of(notifications, 1));
        GoogleChatSimulator chat = DeliveryTestResource.simulator();
        Map<String, String> config = new HashMap<>();
        config.put("worker.analysis-enabled", "false");
        config.put("delivery.enabled", "true");
        config.put("delivery.webhook-url", chat.space(simulated(profile, "default"), "k", "t", 1000,
                GoogleChatSimulator.Faults.NONE));
        for (String space : SPACES) {
            config.put("delivery.spaces." + space + ".webhook-url", chat.space(simulated(profile, space), "k", "t",
                    1000, GoogleChatSimulator.Faults.NONE));
            config.put("delivery.spaces." + space + ".kinds", space + "-test");
        }
        config.put("delivery.max-per-second", "1000");
        config.put("delivery.max-delay", "5s");
        config.put("delivery.probe-interval", "200ms");
        config.put("delivery.retry-initial-backoff", "1ms");
        config.put("delivery.retry-max-backoff", "2ms");
        config.put("delivery.request-timeout", "2s");
        config.put("delivery.max-attempts", Integer.toString(MAX_ATTEMPTS));
        config.put("delivery.max-retry-after", "1s");
        config.put("delivery.max-held", Integer.toString(MAX_HELD));
        config.put("delivery.max-held-bytes", Integer.toString(MAX_HELD_BYTES));
        config.put("delivery.max-parked", Integer.toString(MAX_PARKED));
        config.put("delivery.poll-interval", "100ms");
        config.put("delivery.lease", "3s");
        config.put("delivery.key-prefix", "cw-" + profile + "-" + RUN + ":delivery");
        config.put("topics.notifications", notifications);
        config.put("topics.notifications-dead-letter", deadLetters);
        config.put("mp.messaging.incoming.notification-delivery.group.id", "delivery-" + profile + "-" + RUN);
        config.put("quarkus.log.file.enabled", "true");
        config.put("quarkus.log.file.path", "target/delivery-" + profile + "-" + RUN + ".log");
        return config;
    }

    @Override
    public void stop() {
        // the simulator, Kafka and Redis are shared by the JVM; its exit stops them
    }
}
