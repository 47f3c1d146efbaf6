package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.conversationworker.model.LlmNeedsOperator;

/** Tells on-call when an LLM endpoint needs a person (key rejected, quota gone): once per endpoint per window. */
@ApplicationScoped
public class LlmOperatorAlarm {

    static final Duration WINDOW = Duration.ofMinutes(10);

    private final NotificationPublisher publisher;
    private final GoogleChatMessages messages;
    private final Clock clock = Clock.systemUTC();
    private final OncePerWindow<String> perEndpoint = new OncePerWindow<>(WINDOW, clock);

    @Inject
    LlmOperatorAlarm(NotifyConfig config, NotificationPublisher publisher, GoogleChatMessages messages) {
        this.publisher = publisher;
        this.messages = messages;
    }

    void on(@Observes LlmNeedsOperator event) {
        if (!perEndpoint.first(event.endpoint())) {
            return;
        }
        Instant now = clock.instant();
        NotifyLog.LOG.llmNeedsOperator(event.endpoint(), event.model(), event.reason());
        publisher.publish(messages.llmNeedsOperator(event.endpoint(), event.model(), event.reason(), now))
                .subscribe().with(ok -> {
                }, failure -> NotifyLog.LOG.alarmNotPublished("LLM", String.valueOf(failure)));
    }
}
