package dev.conversationworker.ops;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The topics the worker reads and writes (record keys are conversation ids). The channels in
 * {@code application.properties} take their topic from these keys, so a topic is renamed in one place.
 */
@ConfigMapping(prefix = "topics")
public interface TopicsConfig {

    /** Chat events, in (TOPICS_INPUT). */
    @WithDefault("chat-events")
    String input();

    /** Analyses, out (TOPICS_ANALYSES). */
    @WithDefault("conversation-analyses")
    String analyses();

    /** On-call notifications, out; also delivery's input (TOPICS_NOTIFICATIONS). */
    @WithDefault("oncall-notifications")
    String notifications();

    /** Input records that could not take effect, with the reason in headers (TOPICS_DEAD_LETTER). */
    @WithDefault("chat-events-dlq")
    String deadLetter();

    /** Notifications no Google Chat space took, with the reason in headers (TOPICS_NOTIFICATIONS_DEAD_LETTER). */
    @WithDefault("oncall-notifications-dlq")
    String notificationsDeadLetter();
}
