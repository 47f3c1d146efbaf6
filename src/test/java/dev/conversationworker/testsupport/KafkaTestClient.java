package dev.conversationworker.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
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

import dev.conversationworker.testsupport.ContractSchemas.Topic;

/**
 * A plain Kafka client, the way a user's service sees the worker: produces raw records to the input topic and reads
 * every output topic from the beginning in the background. It holds both sides to the published contract
 * ({@link ContractSchemas}): a record it is asked to send that breaks it fails the test before it is sent (send
 * off-contract input on purpose through {@link #unchecked()}), and a record it hands out that breaks it fails the
 * test that reads it.
 */
public final class KafkaTestClient {

    private static KafkaTestClient instance;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String inputTopic;
    private final Map<String, List<ConsumerRecord<byte[], byte[]>>> received;
    private final List<Exception> sendFailures;
    private final Topic inputContract;
    private final Map<String, Topic> outputContracts;
    /** Per output topic, what is wrong with the records received that break its contract. */
    private final Map<String, List<String>> violations;
    private final boolean checked;

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

    /**
     * A client of topics of its own (which must exist): reads every output topic from the beginning. A client whose
     * input is its notifications topic feeds a delivery worker: it sends notifications, and its dead letters are
     * delivery's.
     */
    public KafkaTestClient(Infrastructure infra, String input, String analyses, String notifications, String dlq) {
        this.inputTopic = input;
        this.received = Map.of(analyses, new CopyOnWriteArrayList<>(), notifications, new CopyOnWriteArrayList<>(),
                dlq, new CopyOnWriteArrayList<>());
        boolean delivery = input.equals(notifications);
        this.inputContract = delivery ? Topic.NOTIFICATIONS : Topic.CHAT_EVENTS;
        Map<String, Topic> outputs = new HashMap<>();
        outputs.put(analyses, Topic.ANALYSES);
        outputs.put(dlq, delivery ? Topic.NOTIFICATION_DEAD_LETTERS : Topic.CHAT_EVENT_DEAD_LETTERS);
        if (!delivery) {
            outputs.put(notifications, Topic.NOTIFICATIONS); // else it is the test's own input, checked when sent
        }
        this.outputContracts = Map.copyOf(outputs);
        this.violations = new ConcurrentHashMap<>();
        received.keySet().forEach(topic -> violations.put(topic, new CopyOnWriteArrayList<>()));
        this.sendFailures = new CopyOnWriteArrayList<>();
        this.checked = true;
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

    /** The same client, without the contract check of what it sends: for off-contract input sent on purpose. */
    private KafkaTestClient(KafkaTestClient checkedClient) {
        this.producer = checkedClient.producer;
        this.inputTopic = checkedClient.inputTopic;
        this.received = checkedClient.received;
        this.sendFailures = checkedClient.sendFailures;
        this.inputContract = checkedClient.inputContract;
        this.outputContracts = checkedClient.outputContracts;
        this.violations = checkedClient.violations;
        this.checked = false;
    }

    /**
     * This client, sending what it is given without checking it against the input contract: for records that break it
     * on purpose (hostile input, invalid events to be dead-lettered, a test's own routing kinds). What it reads is
     * still checked.
     */
    public KafkaTestClient unchecked() {
        return checked ? new KafkaTestClient(this) : this;
    }

    public RecordMetadata send(String key, String value) {
        return send(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), null);
    }

    public RecordMetadata send(byte[] key, byte[] value, Integer partition) {
        checkInput(key, value, null);
        try {
            return producer.send(new ProducerRecord<>(inputTopic, partition, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a record to the input topic, headers and all, and waits for the broker to accept it. */
    public RecordMetadata send(Integer partition, byte[] key, byte[] value, Iterable<Header> headers) {
        checkInput(key, value, headers);
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
        return onContract(topic, received.get(topic).stream().filter(which).toList());
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
        return onContract(topic, List.copyOf(received.get(topic)));
    }

    /** Sends without waiting for each acknowledgement; {@link #flush()} waits for all. */
    public void sendAsync(String key, String value) {
        sendAsync(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), null);
    }

    public void sendAsync(byte[] key, byte[] value, Integer partition) {
        checkInput(key, value, null);
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

    /** Fails the test when the record it is about to send breaks the input contract. */
    private void checkInput(byte[] key, byte[] value, Iterable<Header> headers) {
        if (!checked) {
            return;
        }
        List<String> wrong = ContractSchemas.violations(inputContract, key, value, headers);
        if (!wrong.isEmpty()) {
            throw new AssertionError("the test was about to send a record to " + inputTopic + " that breaks "
                    + "docs/asyncapi.yaml (send it through unchecked() if that is the point):\n  "
                    + String.join("\n  ", wrong) + "\n  value: " + shown(value));
        }
    }

    /**
     * Fails the test that reads a topic on which any record received so far breaks the topic's contract (whichever
     * test it belongs to: the worker broke the contract); else returns the records read.
     */
    private List<ConsumerRecord<byte[], byte[]>> onContract(String topic,
            List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> wrong = violations.get(topic);
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.get(0) + (wrong.size() > 1
                    ? "\n(and " + (wrong.size() - 1)
                            + " more records)"
                    : ""));
        }
        return records;
    }

    private static String violation(ConsumerRecord<byte[], byte[]> record, List<String> wrong) {
        return "the worker wrote a record to " + record.topic() + " (partition " + record.partition() + ", offset "
                + record.offset() + ") that breaks docs/asyncapi.yaml:\n  " + String.join("\n  ", wrong)
                + "\n  headers: " + ContractSchemas.headers(record.headers()) + "\n  value: " + shown(record.value());
    }

    private static String shown(byte[] value) {
        if (value == null) {
            return "null";
        }
        String text = new String(value, StandardCharsets.UTF_8);
        return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }

    private void readOutputs(Infrastructure infra) {
        Properties props = infra.kafkaClientProperties();
        // As every reader of the worker's outputs must: in exactly-once mode, records of aborted transactions are
        // never seen (without transactions, this reads what it read before).
        props.put("isolation.level", "read_committed");
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
                    Topic contract = outputContracts.get(record.topic());
                    List<String> wrong = contract == null
                            ? List.of()
                            : ContractSchemas.violations(contract, record.key(), record.value(), record.headers());
                    if (!wrong.isEmpty()) {
                        violations.get(record.topic()).add(violation(record, wrong));
                    }
                    received.get(record.topic()).add(record);
                }
            }
        }
    }
}
