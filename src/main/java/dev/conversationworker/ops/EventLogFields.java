package dev.conversationworker.ops;

import org.jboss.logging.MDC;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Names the event a log line is about: its {@code conversationId} and {@code eventId} go into the MDC for that one
 * line, so that JSON logs (the prod profile) carry them as fields an operator can filter on. Set and cleared around
 * each line rather than for a whole event, because an event's steps resume on whichever thread completes them.
 */
public final class EventLogFields {

    private static final int MAX_LENGTH = 256;

    private EventLogFields() {
    }

    /** @param conversationId or {@code null} when not known; likewise {@code eventId} */
    public static void log(String conversationId, String eventId, Runnable line) {
        Context context = Vertx.currentContext();
        if (context != null && !VertxContext.isDuplicatedContext(context)) {
            // On an event loop's own context Quarkus keeps the MDC in a duplicated context made for the call and
            // then dropped: the fields would be lost. The line is written from a duplicated context of its own,
            // just after (a line, so ordering against other lines of this loop is all it can change).
            VertxContext.createNewDuplicatedContext(context).runOnContext(ignored -> withFields(conversationId,
                    eventId, line));
            return;
        }
        withFields(conversationId, eventId, line);
    }

    private static void withFields(String conversationId, String eventId, Runnable line) {
        Object conversationBefore = put("conversationId", conversationId);
        Object eventBefore = put("eventId", eventId);
        try {
            line.run();
        } finally {
            restore("conversationId", conversationBefore);
            restore("eventId", eventBefore);
        }
    }

    private static Object put(String key, String value) {
        Object before = MDC.get(key);
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value);
        }
        return before;
    }

    private static void restore(String key, Object before) {
        if (before == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, before);
        }
    }
}
