package dev.conversationworker.pipeline;

import static org.jboss.logging.Logger.Level.WARN;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** The log lines of {@code pipeline}: ids CW0200–CW0299 (the README lists them all). */
@MessageLogger(projectCode = "CW", length = 4)
interface PipelineLog extends BasicLogger {

    PipelineLog LOG = Logger.getMessageLogger(PipelineLog.class, "dev.conversationworker.pipeline");

    @LogMessage(level = WARN)
    @Message(id = 201, value = "%s failed (%s: %s), retrying")
    void transientFailure(String stage, String failureClass, String failure);

    @LogMessage(level = WARN)
    @Message(id = 202, value = "Skipped %d unreadable history entries of conversation %s (damaged or written by hand)")
    void unreadableHistory(int count, String conversationId);

    @LogMessage(level = WARN)
    @Message(id = 203, value = "Could not read the published analyses of conversation %s (%s); analysing as if none was")
    void publishedMarksUnreadable(String conversationId, String failure);

    @LogMessage(level = WARN)
    @Message(id = 204, value = "Could not remember analysis %s as published (%s)")
    void publishedMarkNotWritten(String analysisId, String failure);

    @LogMessage(level = WARN)
    @Message(id = 205, value = "Could not pseudonymise conversation %s (%s): nothing of it was sent to an LLM; the offline analyzer answered without quoting it")
    void notPseudonymisedForAnalysis(String conversationId, String failureClass);

    @LogMessage(level = WARN)
    @Message(id = 206, value = "Could not pseudonymise message %s of conversation %s (%s): stored with its text withheld")
    void notPseudonymisedForHistory(String eventId, String conversationId, String failureClass);
}
