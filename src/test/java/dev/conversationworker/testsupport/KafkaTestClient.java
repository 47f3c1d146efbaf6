package dev.conversationworker.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.vertx.core.json.JsonObject;

/**
 * A plain Kafka client, the way a user's service sees the worker: produces raw records to the input topic and reads
 * every output topic from the beginning in the background.
 */
public final class KafkaTestClient {

    private static KafkaTestClient instance;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String inputTopic;
    private final Map<String, List<ConsumerRecord<byte[], byte[]>>> received;
    private final List<Exception> sendFailures = new CopyOnWriteArrayList<>();

    /** A client of the worker's default topics, shared by the tests of this JVM. */
    public static synchronized KafkaTestClient get() {
        if (instance == null) {
            Infrastructure infra = Infrastructure.get();
            infra.createTopics(4);
            instance = new KafkaTestClient(infra, "chat-events", "conversation-analyses", "oncall-notifications",
                    "chat-events-dlq");
        }
        return instance;
    }

    /** A client of topics of its own (which must exist): reads every output topic from the beginning. */
    public KafkaTestClient(Infrastructure infra, String input, String analyses, String notifications, String dlq) {
        this.inputTopic = input;
        this.received = Map.of(analyses, new CopyOnWriteArrayList<>(), notifications, new CopyOnWriteArrayList<>(),
                dlq, new CopyOnWriteArrayList<>());
        Properties producerProps = infra.kafkaClientProperties();
        producerProps.put("acks", "all");
        producerProps.put("linger.ms", "1");
        // Not idempotent: right after a topic is created, a NOT_LEADER_OR_FOLLOWER retry can send the idempotent
        // producer into an endless OUT_OF_ORDER_SEQUENCE loop (seen with the in-JVM broker), and the test records
        // expire. One request in flight keeps the order; a record sent twice is what the worker must absorb anyway.
        producerProps.put("enable.idempotence", "false");
        producerProps.put("max.in.flight.requests.per.connection", "1");
        // Records near the broker's limit are the broker's to refuse, not the test client's.
        producerProps.put("max.request.size", Integer.toString(4 * 1024 * 1024));
        producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        Thread reader = new Thread(() -> readOutputs(infra), "test-output-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public RecordMetadata send(String key, String value) {
        return send(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), null);
    }

    public RecordMetadata send(byte[] key, byte[] value, Integer partition) {
        try {
            return producer.send(new ProducerRecord<>(inputTopic, partition, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a record to the input topic, headers and all, and waits for the broker to accept it. */
    public RecordMetadata send(Integer partition, byte[] key, byte[] value, Iterable<Header> headers) {
        try {
            return producer.send(new ProducerRecord<>(inputTopic, partition, key, value, headers)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records received so far on {@code topic} with this key. */
    public List<ConsumerRecord<byte[], byte[]>> records(String topic, String key) {
        return records(topic, r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(key));
    }

    public List<ConsumerRecord<byte[], byte[]>> records(String topic, Predicate<ConsumerRecord<byte[], byte[]>> which) {
        return received.get(topic).stream().filter(which).toList();
    }

    public List<JsonObject> values(String topic, String key) {
        return records(topic, key).stream().map(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8)))
                .toList();
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every record received so far on {@code topic}. */
    public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        return List.copyOf(received.get(topic));
    }

    /** Sends without waiting for each acknowledgement; {@link #flush()} waits for all. */
    public void sendAsync(String key, String value) {
        sendAsync(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), null);
    }

    public void sendAsync(byte[] key, byte[] value, Integer partition) {
        producer.send(new ProducerRecord<>(inputTopic, partition, key, value), (metadata, failure) -> {
            if (failure != null) {
                sendFailures.add(failure);
            }
        });
    }

    /** Waits for every record sent so far; fails if any could not be sent (a test must know what its input was). */
    public void flush() {
        producer.flush();
        if (!sendFailures.isEmpty()) {
            IllegalStateException e = new IllegalStateException(sendFailures.size() + " test records not sent");
            sendFailures.forEach(e::addSuppressed);
            sendFailures.clear();
            throw e;
        }
    }

    private void readOutputs(Infrastructure infra) {
        Properties props = infra.kafkaClientProperties();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : received.keySet()) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    received.get(record.topic()).add(record);
                }
            }
        }
    }
}
