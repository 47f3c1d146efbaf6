package dev.conversationworker.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The transactional producer of {@link OpenTransaction}: how it is made (the connection settings of every other
 * Kafka client of the worker, plus what transactions need), and which refusals of a record are for good.
 */
final class TransactionalProducers {

    /** How long a read-committed reader may be held by a transaction an instance left open when it died. */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

    private TransactionalProducers() {
    }

    /**
     * A producer with its transactions initialised (which fences an earlier producer of the same id and aborts its
     * open transaction) and one begun.
     *
     * @param kafka the {@code kafka.*} settings (bootstrap servers, security), as Quarkus gathers them
     */
    static Producer<byte[], byte[]> open(Map<String, Object> kafka, String transactionalId) {
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                props.put(key, value);
            }
        });
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // As the dead-letter channel: a refusal for size comes from the topic, and the dead letter is cut.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "cw-transactions-" + transactionalId);
        Producer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer());
        try {
            producer.initTransactions();
            producer.beginTransaction();
            return producer;
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /** Sending the same record again would meet the same refusal. */
    static boolean refusedForGood(Throwable failure) {
        return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
                || failure instanceof InvalidRecordException || failure instanceof SerializationException;
    }

    /**
     * The default {@code transactional.id}: the host name (a pod's name) and a random suffix, unique whatever the
     * fleet's size: two producers of one id fence each other.
     */
    static String uniqueId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "worker";
            }
        }
        return "conversation-worker-" + host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
