package dev.conversationworker.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * The README's run command: starts a real Kafka broker and a real redis-server, starts the packaged worker against
 * them, feeds it the bundled sample conversations and prints the analyses and notifications as they come out.
 * Ctrl-C stops everything it started. With {@code -Ddemo.exit-when-done=true} it stops by itself once every sample
 * has been analysed (CI uses that).
 */
public final class Demo {

    private static final Path WORKER_LOG = Path.of("target", "demo-worker.log");
    private static final DemoPrinter OUT = new DemoPrinter(DemoPrinter.utf8Stdout());
    /** Short, so that the demo shows a conversation that never closes being analysed as idle. */
    private static final String IDLE_AFTER = "5s";

    public static void main(String[] args) throws Exception {
        boolean exitWhenDone = Boolean.getBoolean("demo.exit-when-done");
        Infrastructure infra = Infrastructure.get();
        infra.createTopics(4);
        int httpPort = Integer.getInteger("demo.http-port", 8080);
        OUT.line("[demo] starting the worker (log: %s)", WORKER_LOG);
        WorkerProcess worker = WorkerProcess.start(infra, httpPort, WORKER_LOG,
                Map.of("ANALYSIS_IDLE_AFTER", IDLE_AFTER), List.of());
        infra.beforeStop(worker::close);
        OUT.line("[demo] worker ready: http://localhost:%d/q/health/ready, metrics at /q/metrics", httpPort);

        JsonArray samples = samples();
        int triggers = produce(infra, samples);
        OUT.line("%n[demo] sent %d sample conversations (%d analysis triggers); outputs follow. "
                + "Ctrl-C stops everything.%n", samples.size(), triggers);
        int analyses = printOutputs(infra, exitWhenDone ? triggers : Integer.MAX_VALUE, Duration.ofMinutes(2));
        if (exitWhenDone) {
            OUT.line("[demo] %d of %d analyses received", analyses, triggers);
            infra.stop();
            System.exit(analyses >= triggers ? 0 : 1);
        }
    }

    private static JsonArray samples() throws IOException {
        try (InputStream in = Demo.class.getResourceAsStream("/demo/sample-conversations.json")) {
            return new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Sends every sample's messages, then its close (or an analysis request), or nothing for an {@code idle} one
     * (the customer gave up: it is analysed as {@code conversation.idle} after {@link #IDLE_AFTER}); returns the
     * number of analyses to expect.
     */
    private static int produce(Infrastructure infra, JsonArray samples) {
        Properties props = infra.kafkaClientProperties();
        props.put("acks", "all");
        String run = Long.toString(System.currentTimeMillis(), 36);
        int triggers = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < samples.size(); i++) {
                JsonObject sample = samples.getJsonObject(i);
                String conversation = sample.getString("conversationId") + "-" + run;
                JsonArray messages = sample.getJsonArray("messages");
                for (int m = 0; m < messages.size(); m++) {
                    JsonArray message = messages.getJsonArray(m);
                    producer.send(new ProducerRecord<>("chat-events", conversation, event(conversation + "-m" + m,
                            "message", conversation).put("role", message.getString(0))
                            .put("text", message.getString(1)).encode()));
                }
                triggers++;
                if (sample.getBoolean("idle", false)) {
                    OUT.line("[demo] %s sends no close: analysed as idle after %s", conversation, IDLE_AFTER);
                    continue;
                }
                String trigger = sample.getBoolean("close") ? "conversation.closed" : "analysis.requested";
                producer.send(new ProducerRecord<>("chat-events", conversation,
                        event(conversation + "-end", trigger, conversation).encode()));
            }
            producer.flush();
        }
        return triggers;
    }

    private static JsonObject event(String eventId, String type, String conversation) {
        return new JsonObject().put("eventId", eventId).put("type", type).put("conversationId", conversation)
                .put("timestamp", Instant.now().toString());
    }

    private static int printOutputs(Infrastructure infra, int expectedAnalyses, Duration patience) {
        Properties props = infra.kafkaClientProperties();
        props.put("group.id", "demo-printer-" + System.nanoTime());
        props.put("auto.offset.reset", "latest");
        int analyses = 0;
        Instant deadline = Instant.now().plus(patience);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(Set.of("conversation-analyses", "oncall-notifications", "chat-events-dlq"));
            while (analyses < expectedAnalyses && (expectedAnalyses == Integer.MAX_VALUE
                    || Instant.now().isBefore(deadline))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals("conversation-analyses")) {
                        analyses++;
                    }
                    OUT.print(record);
                }
            }
        }
        return analyses;
    }

    private Demo() {
    }

}
