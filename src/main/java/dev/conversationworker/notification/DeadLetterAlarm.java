package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

/**
 * Tells on-call once per window when dead letters pile up (an upstream service started sending bad events, say):
 * one operational message when the count of a window reaches the threshold, not one per record.
 */
@ApplicationScoped
public class DeadLetterAlarm {

    private static final Logger LOG = Logger.getLogger(DeadLetterAlarm.class);

    private final NotifyConfig config;
    private final NotificationPublisher publisher;
    private final GoogleChatMessages messages;
    private final Clock clock;
    // Guarded by this.
    private Instant windowStart = Instant.EPOCH;
    private int inWindow;

    @Inject
    DeadLetterAlarm(NotifyConfig config, NotificationPublisher publisher) {
        this(config, publisher, Clock.systemUTC());
    }

    DeadLetterAlarm(NotifyConfig config, NotificationPublisher publisher, Clock clock) {
        this.config = config;
        this.publisher = publisher;
        this.messages = new GoogleChatMessages(config.maxSnippetChars(), config.maxQuestions());
        this.clock = clock;
    }

    public void deadLettered(String reason) {
        Instant now = clock.instant();
        Instant window;
        int count;
        synchronized (this) {
            if (now.isAfter(windowStart.plus(config.deadLetterWindow()))) {
                windowStart = now;
                inWindow = 0;
            }
            count = ++inWindow;
            window = windowStart;
        }
        if (count == config.deadLetterThreshold()) {
            publisher.publish(messages.deadLettersPilingUp(count, config.deadLetterWindow(), window, reason))
                    .subscribe().with(ok -> {
                    }, failure -> LOG.errorf("CW-NOTIFY-001 Could not publish the dead-letter alarm: %s", failure));
        }
    }
}
