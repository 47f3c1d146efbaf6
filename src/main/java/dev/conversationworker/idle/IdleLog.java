package dev.conversationworker.idle;

import static org.jboss.logging.Logger.Level.ERROR;
import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** The log lines about idle conversations: ids CW0600–CW0699 (the README lists them all). */
@MessageLogger(projectCode = "CW", length = 4)
public interface IdleLog extends BasicLogger {

    IdleLog LOG = Logger.getMessageLogger(IdleLog.class, "dev.conversationworker.idle");

    @LogMessage(level = WARN)
    @Message(id = 601, value = "Could not claim idle conversations (%s); trying every %d ms")
    void claimFailing(String failure, long pollIntervalMs);

    @LogMessage(level = INFO)
    @Message(id = 602, value = "Idle conversations can be claimed again")
    void claimWorksAgain();

    @LogMessage(level = WARN)
    @Message(id = 603, value = "The idle analysis of conversation %s failed (attempt %d of %d: %s); it falls due again in %d ms")
    void analysisFailed(String conversationId, int attempt, int maxAttempts, String failure, long retryInMs);

    @LogMessage(level = WARN)
    @Message(id = 604, value = "Dropping the unreadable idle timer %s: %s")
    void unreadableDropped(String slug, String failure);

    @LogMessage(level = ERROR)
    @Message(id = 605, value = "Gave up the idle analysis of conversation %s after %d failed attempts (last: %s); it is published as failed")
    void givenUp(String conversationId, int attempts, String failure);

    @LogMessage(level = ERROR)
    @Message(id = 606, value = "The failed idle analysis of conversation %s could not be published either (%s); its idle timer is dropped")
    void givenUpUnpublished(String conversationId, String failure);
}
