package dev.conversationworker.notification;

import static org.jboss.logging.Logger.Level.ERROR;
import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** The log lines of {@code notification}: ids CW0500–CW0599 (the README lists them all). */
@MessageLogger(projectCode = "CW", length = 4)
interface NotifyLog extends BasicLogger {

    NotifyLog LOG = Logger.getMessageLogger(NotifyLog.class, "dev.conversationworker.notification");

    @LogMessage(level = ERROR)
    @Message(id = 501, value = "LLM %s (%s) needs an operator: %s")
    void llmNeedsOperator(String endpoint, String model, String reason);

    @LogMessage(level = ERROR)
    @Message(id = 502, value = "Could not publish the %s alarm: %s")
    void alarmNotPublished(String alarm, String failure);

    @LogMessage(level = WARN)
    @Message(id = 503, value = "Alarms cannot be counted in Redis (%s): until they can, this instance counts its own, "
            + "so on-call may hear an alarm once per instance")
    void alarmsCountedAlone(String failure);

    @LogMessage(level = INFO)
    @Message(id = 504, value = "Alarms are counted for all instances together again")
    void alarmsCountedForTheFleetAgain();
}
