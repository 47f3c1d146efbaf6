package dev.conversationworker.notification;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.model.LlmNeedsOperator;

/**
 * Tells on-call when an LLM endpoint needs a person (key rejected, quota gone): once per endpoint per window for all
 * instances together, under a {@code dedupe-key} from the window's start.
 */
@ApplicationScoped
public class LlmOperatorAlarm {

    static final Duration WINDOW = Duration.ofMinutes(10);

    private final NotificationPublisher publisher;
    private final GoogleChatMessages messages;
    private final OncePerWindow perEndpoint;

    LlmOperatorAlarm(NotificationPublisher publisher, GoogleChatMessages messages, AlarmWindows windows) {
        this.publisher = publisher;
        this.messages = messages;
        this.perEndpoint = new OncePerWindow("llm-needs-operator", WINDOW, windows);
    }

    void on(@Observes LlmNeedsOperator event) {
        perEndpoint.first(event.endpoint()).chain(windowStart -> windowStart.isEmpty()
                ? Uni.createFrom().voidItem()
                : tell(event, windowStart.get()))
                .subscribe().with(ok -> {
                }, failure -> NotifyLog.LOG.alarmNotPublished("LLM", String.valueOf(failure)));
    }

    private Uni<Void> tell(LlmNeedsOperator event, Instant windowStart) {
        NotifyLog.LOG.llmNeedsOperator(event.endpoint(), event.model(), event.reason());
        return publisher.publish(messages.llmNeedsOperator(event.endpoint(), event.model(), event.reason(),
                windowStart));
    }
}
