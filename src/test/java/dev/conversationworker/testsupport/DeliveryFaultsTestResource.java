package dev.conversationworker.testsupport;

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
        DeliverySettings settings = DeliverySettings.deliveryOnly(space(chat, profile, "default"), 1000, "5s");
        for (String space : SPACES) {
            settings.space(space, space(chat, profile, space), space + "-test");
        }
        return settings.delivery("probe-interval", "200ms").retries("1ms", "2ms").delivery("request-timeout", "2s")
                .delivery("max-attempts", Integer.toString(MAX_ATTEMPTS)).delivery("max-retry-after", "1s")
                .delivery("max-held", Integer.toString(MAX_HELD))
                .delivery("max-held-bytes", Integer.toString(MAX_HELD_BYTES))
                .delivery("max-parked", Integer.toString(MAX_PARKED))
                .delivery("poll-interval", "100ms").delivery("lease", "3s")
                .run("cw-" + profile + "-" + RUN + ":delivery", notifications, deadLetters,
                        "delivery-" + profile + "-" + RUN)
                .logFile("target/delivery-" + profile + "-" + RUN + ".log").properties();
    }

    /** A space of this profile on the simulator, at 1,000 messages per second. */
    private static String space(GoogleChatSimulator chat, String profile, String space) {
        return chat.space(simulated(profile, space), "k", "t", 1000, GoogleChatSimulator.Faults.NONE);
    }

    @Override
    public void stop() {
        // the simulator, Kafka and Redis are shared by the JVM; its exit stops them
    }
}
