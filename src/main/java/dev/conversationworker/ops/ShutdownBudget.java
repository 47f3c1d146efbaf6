package dev.conversationworker.ops;

import java.time.Duration;

/**
 * The longest a SIGTERM can take, part by part, as one figure: Kubernetes kills the pod when its
 * {@code terminationGracePeriodSeconds} is over, and what it kills mid-way is redelivered and done again, so the
 * manifests' grace period (and Compose's {@code stop_grace_period}) must cover {@link #total()}. The parts run one
 * after the other: Quarkus calls the shutdown observers in turn, then closes the Kafka clients.
 *
 * @param drain {@code worker.shutdown-timeout}: in-flight events finish ({@code ChatEventConsumer.drain})
 */
public record ShutdownBudget(Duration drain) {

    /** After the drain, idle claims still in hand are handed back ({@code IdleConversationPoller.handBack}). */
    public static final Duration IDLE_HAND_BACK = Duration.ofSeconds(5);

    /** After the drain, waiting analyses still being tried get this long to finish before they are handed back. */
    public static final Duration WAITING_HAND_BACK_PATIENCE = Duration.ofSeconds(2);

    /** Then the waiting analyses still in hand are handed back ({@code WaitingAnalysisResumer.handBack}). */
    public static final Duration WAITING_HAND_BACK = Duration.ofSeconds(5);

    /**
     * SmallRye closes the Kafka clients last. Each of the two consumers (chat events, delivery) waits up to
     * {@code auto.commit.interval.ms} (1 s) for records still processing, commits, and waits up to twice its close
     * timeout (1 s unless {@code default.api.timeout.ms} is set) for the close: 3 s each plus the commits. The
     * producers have nothing left to send after the drain (their own bound, 10 s each, applies only to a broker
     * that is unreachable, when the records are redelivered anyway).
     */
    public static final Duration CLIENTS_CLOSE = Duration.ofSeconds(8);

    /** The worst case from SIGTERM to exit. */
    public Duration total() {
        return drain.plus(IDLE_HAND_BACK).plus(WAITING_HAND_BACK_PATIENCE).plus(WAITING_HAND_BACK).plus(CLIENTS_CLOSE);
    }
}
