package dev.conversationworker.delivery;

import static org.jboss.logging.Logger.Level.ERROR;
import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/**
 * The log lines of {@code delivery}: ids CW0701–CW0799 (the README lists them all). They name spaces, never their
 * webhook URLs.
 */
@MessageLogger(projectCode = "CW", length = 4)
interface DeliveryLog extends BasicLogger {

    DeliveryLog LOG = Logger.getMessageLogger(DeliveryLog.class, "dev.conversationworker.delivery");

    @LogMessage(level = INFO)
    @Message(id = 701, value = "Delivering notifications to Google Chat spaces %s at most %s per second per space "
            + "(shared by all instances), digests beyond %d s of backlog")
    void started(String spaces, double maxPerSecond, long maxDelaySeconds);

    @LogMessage(level = INFO)
    @Message(id = 702, value = "Space %s is over its quota (429): next message in %d ms, pace slowed to 1/%d of the "
            + "allowed")
    void throttled(String space, long pauseMillis, int slowdown);

    @LogMessage(level = WARN)
    @Message(id = 703, value = "Delivery to space %s failed (%s), attempt %d: sent again in %d ms")
    void failed(String space, String reason, int attempt, long pauseMillis);

    @LogMessage(level = ERROR)
    @Message(id = 704, value = "Space %s refuses its webhook (HTTP %d: %s): nothing is delivered to it, its "
            + "notifications wait in Redis and readiness is DOWN; tried again every %d s. Fix the webhook URL")
    void refused(String space, int status, String googleMessage, long probeSeconds);

    @LogMessage(level = INFO)
    @Message(id = 705, value = "Space %s accepts its webhook again: delivery resumed")
    void resumed(String space);

    @LogMessage(level = WARN)
    @Message(id = 706, value = "Google rejected a notification for space %s (HTTP %d: %s): dead-lettered, "
            + "dedupe-key %s")
    void deadLettered(String space, int status, String googleMessage, String dedupeKey);

    @LogMessage(level = INFO)
    @Message(id = 707, value = "Digest sent to space %s covering %d notifications (%d still waiting)")
    void digest(String space, int covered, int waiting);

    @LogMessage(level = WARN)
    @Message(id = 708, value = "Google rejected a digest for space %s (HTTP %d: %s): its %d notifications are sent one by "
            + "one")
    void digestRejected(String space, int status, String googleMessage, int covered);

    @LogMessage(level = WARN)
    @Message(id = 709, value = "Redis unavailable for delivery to space %s (%s): tried again in %d ms")
    void redisFailed(String space, String reason, long pauseMillis);

    @LogMessage(level = WARN)
    @Message(id = 710, value = "Delivered to space %s but not yet settled in Redis (%s): settled again in %d ms (the "
            + "message is not composed again)")
    void notRemembered(String space, String reason, long pauseMillis);

    @LogMessage(level = WARN)
    @Message(id = 711, value = "A notification for space %s could not be dead-lettered (%s): tried again")
    void deadLetterFailed(String space, String reason);

    @LogMessage(level = ERROR)
    @Message(id = 712, value = "Unexpected failure delivering to space %s: %s; tried again in %d ms")
    void unexpected(String space, String reason, long pauseMillis);

    @LogMessage(level = INFO)
    @Message(id = 713, value = "Resuming a message begun before for space %s (by this instance, or by one stopped "
            + "during its POST): sent again as it was, covering %d notifications held here of its %d, requestId %s")
    void resuming(String space, int held, int covered, String requestId);

    @LogMessage(level = WARN)
    @Message(id = 714, value = "The backlog of space %s in Redis is full (delivery.max-parked %d, max-parked-bytes %d): a "
            + "notification was dead-lettered, dedupe-key %s")
    void backlogFull(String space, long maxParked, long maxParkedBytes, String dedupeKey);

    @LogMessage(level = WARN)
    @Message(id = 715, value = "A message to space %s failed %d times in a row (%s) while the space answers: "
            + "dead-lettered, dedupe-key %s")
    void givenUp(String space, int attempts, String reason, String dedupeKey);

    @LogMessage(level = WARN)
    @Message(id = 716, value = "A digest to space %s failed %d times in a row (%s) while the space answers: its %d "
            + "notifications are sent one by one")
    void digestGivenUp(String space, int attempts, String reason, int covered);

    @LogMessage(level = WARN)
    @Message(id = 717, value = "Space %s answers nothing (%s) after %d failed attempts of one message: an outage, "
            + "not the message; retried on")
    void outage(String space, String reason, int attempts);

    @LogMessage(level = ERROR)
    @Message(id = 718, value = "A notification for space %s could not be dead-lettered in %d attempts (%s): given up, "
            + "dedupe-key %s, from %s partition %d offset %d; it was to be dead-lettered because: %s")
    void deadLetterGivenUp(String space, int attempts, String failure, String dedupeKey, String topic, int partition,
            long offset, String reason);

    @LogMessage(level = INFO)
    @Message(id = 719, value = "This instance delivers space %s now (its lease was free): %d notifications wait")
    void leaseTaken(String space, long backlog);

    @LogMessage(level = INFO)
    @Message(id = 720, value = "Space %s is delivered by another instance now: this one stops delivering it")
    void leaseLost(String space);

    @LogMessage(level = ERROR)
    @Message(id = 721, value = "A notification parked for space %s cannot be read (another version's, or damaged): "
            + "dropped, entry %s")
    void unreadable(String space, String id);

    @LogMessage(level = WARN)
    @Message(id = 722, value = "A notification for space %s could not be parked in Redis (%s): dead-lettered, "
            + "dedupe-key %s")
    void notParked(String space, String reason, String dedupeKey);
}
