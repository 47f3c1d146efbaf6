package dev.conversationworker.waiting;

import static org.jboss.logging.Logger.Level.ERROR;
import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** The log lines about analyses waiting for an LLM: ids CW0400–CW0499 (the README lists them all). */
@MessageLogger(projectCode = "CW", length = 4)
public interface WaitLog extends BasicLogger {

    WaitLog LOG = Logger.getMessageLogger(WaitLog.class, "dev.conversationworker.waiting");

    @LogMessage(level = WARN)
    @Message(id = 401, value = "Could not claim waiting analyses (%s); trying every %d ms")
    void claimFailing(String failure, long pollIntervalMs);

    @LogMessage(level = INFO)
    @Message(id = 402, value = "Waiting analyses can be claimed again")
    void claimWorksAgain();

    @LogMessage(level = ERROR)
    @Message(id = 403, value = "Dropping the unreadable waiting analysis %s: %s")
    void unreadableDropped(String id, String failure);

    @LogMessage(level = WARN)
    @Message(id = 404, value = "Could not hand back waiting analyses (%s); they fall due again when their lease ends")
    void handBackFailed(String failure);

    @LogMessage(level = INFO)
    @Message(id = 405, value = "Stopping: handed back %d waiting analyses being tried")
    void handedBack(int count);

    @LogMessage(level = INFO)
    @Message(id = 406, value = "Left waiting analysis %s for later while stopping: %s")
    void leftWhileStopping(String id, String failure);

    @LogMessage(level = WARN)
    @Message(id = 407, value = "Waiting analysis %s failed unexpectedly (%s); trying it again later")
    void failedUnexpectedly(String id, String failure);

    @LogMessage(level = ERROR)
    @Message(id = 408, value = "Gave up waiting analysis %s after %d unexpected failures")
    void givenUp(String id, int failures, @Cause Throwable last);

    @LogMessage(level = WARN)
    @Message(id = 409, value = "Could not publish the end of the wait: %s")
    void endOfWaitNotPublished(String failure);
}
