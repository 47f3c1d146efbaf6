package dev.conversationworker.ingest;

import static org.jboss.logging.Logger.Level.ERROR;
import static org.jboss.logging.Logger.Level.INFO;
import static org.jboss.logging.Logger.Level.WARN;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** The log lines of {@code ingest}: ids CW0100–CW0199 (the README lists them all). */
@MessageLogger(projectCode = "CW", length = 4)
interface IngestLog extends BasicLogger {

    IngestLog LOG = Logger.getMessageLogger(IngestLog.class, "dev.conversationworker.ingest");

    @LogMessage(level = WARN)
    @Message(id = 101, value = "Dead-lettering %s: %s")
    void deadLettering(String where, String reason);

    @LogMessage(level = ERROR)
    @Message(id = 102, value = "Unexpected failure on %s; retried up to worker.max-unexpected-attempts, then dead-lettered")
    void unexpectedFailure(String where, @Cause Throwable failure);

    @LogMessage(level = WARN)
    @Message(id = 103, value = "Could not dead-letter %s (%s), retrying")
    void deadLetterWriteFailed(String where, String failure);

    @LogMessage(level = ERROR)
    @Message(id = 106, value = "Could not dead-letter %s at all (%s): acknowledged without a dead letter; its offset and the reason are in this line")
    void deadLetterUnwritable(String where, String failure);

    @LogMessage(level = INFO)
    @Message(id = 104, value = "Left %s unacknowledged while stopping (%s); it will be redelivered")
    void leftForRedelivery(String where, String failure);

    @LogMessage(level = INFO)
    @Message(id = 105, value = "Stopping: %d event(s) were in flight, %s")
    void stopping(int inFlight, String outcome);

    @LogMessage(level = INFO)
    @Message(id = 107, value = "Handed over %d partition(s) that moved to another instance: waited %d ms for the events running there, %d still running; %s")
    void partitionsHandedOver(int partitions, long waitedMs, int stillRunning, String outcome);

    @LogMessage(level = INFO)
    @Message(id = 108, value = "Exactly once: analyses, notifications, dead letters and input offsets are committed in Kafka transactions of transactional.id %s, every %d ms; readers must set isolation.level=read_committed")
    void exactlyOnce(String transactionalId, long commitIntervalMs);

    @LogMessage(level = WARN)
    @Message(id = 109, value = "Transaction of %s failed (%s): aborted, and what it held of this instance's partitions is sent again")
    void transactionFailed(String transactionalId, String failure);

    @LogMessage(level = WARN)
    @Message(id = 110, value = "The map of records finished beyond the committed offset of %s does not fit worker.offset-metadata-max-bytes: %d kept, %d left out (they are processed again after a crash)")
    void finishedMapCut(String partition, int kept, int leftOut);

    @LogMessage(level = INFO)
    @Message(id = 111, value = "Partition %s: the last commit's map says %d record(s) beyond offset %d finished; they are skipped")
    void finishedSkipped(String partition, int records, long committed);

    @LogMessage(level = WARN)
    @Message(id = 112, value = "Could not read the committed offsets of %s (%s), attempt %d of 3: without their maps, records finished before would run again")
    void committedUnreadable(String partitions, String failure, int attempt);

    @LogMessage(level = WARN)
    @Message(id = 113, value = "Commit of transaction %s timed out (%s): called again, as the broker may already hold it")
    void commitTimedOut(String transactionalId, String failure);
}
