package dev.conversationworker.analysis;

import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** The log lines of {@code analysis}: ids CW0300–CW0399 (the README lists them all). */
@MessageLogger(projectCode = "CW", length = 4)
interface LlmLog extends BasicLogger {

    LlmLog LOG = Logger.getMessageLogger(LlmLog.class, "dev.conversationworker.analysis");

    @LogMessage(level = INFO)
    @Message(id = 301, value = "Analysis by %s")
    void analysisBy(String analyzers);

    @LogMessage(level = WARN)
    @Message(id = 302, value = "LLM %s (%s) looks down after %d failed attempts in a row: not called for %d s (then one probe)")
    void circuitOpened(String endpoint, String model, int failures, long openForSeconds);

    @LogMessage(level = WARN)
    @Message(id = 303, value = "LLM %s (%s) is configured with an API key and a plain http:// base URL to a host that is not this machine: the key crosses the network unencrypted; use https://")
    void keyInClear(String endpoint, String model);

    @LogMessage(level = WARN)
    @Message(id = 304, value = "LLM %s (%s) gave no valid answer: %s")
    void noValidAnswer(String endpoint, String model, String reason);

    @LogMessage(level = WARN)
    @Message(id = 305, value = "The fleet's LLM budget of %d tokens per hour is spent: analyses are answered by policy '%s' until it frees up")
    void budgetSpent(long tokensPerHour, String whenSpent);

    @LogMessage(level = INFO)
    @Message(id = 306, value = "The fleet's LLM budget of %d tokens per hour has room again (%d tokens): the LLM is asked again")
    void budgetFreeAgain(long tokensPerHour, long remaining);

    @LogMessage(level = WARN)
    @Message(id = 307, value = "The fleet's LLM budget could not be read or settled in Redis (%s): until it can, no LLM is asked")
    void budgetUnreadable(String failure);
}
