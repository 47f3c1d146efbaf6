package dev.conversationworker.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.Infrastructure;

/**
 * Steady live traffic for the soak: new conversations at a fixed rate, each a few messages two seconds apart, of four
 * kinds in a fixed mix (per 20: 11 closed, 3 with an {@code analysis.requested} midway, 5 left open for the idle
 * trigger, 1 that needs attention), so that every path of the worker — history, triggers, idle claims, waiting room,
 * notifications and their delivery — runs all the time.
 */
final class SoakTraffic implements AutoCloseable {

    enum Kind {
        /** Four messages and a close: one analysis. */
        CLOSED,
        /** Messages, {@code analysis.requested}, more messages, a close: two analyses. */
        REQUESTED,
        /** Three messages, then nothing: one analysis when the idle timer falls due. */
        IDLE,
        /** Like CLOSED, with a customer asking for a refund over fraud: the analysis needs attention, on-call hears. */
        ATTENTION
    }

    private static final Kind[] MIX = mix();
    private static final long GAP_MS = 2000;
    private static final long TICK_MS = 100;

    /** A conversation under way: its events, and when the next is due. */
    private static final class Live {

        final String id;
        final List<JsonObject> events;
        int next;
        long dueAt;

        Live(String id, List<JsonObject> events, long dueAt) {
            this.id = id;
            this.events = events;
            this.dueAt = dueAt;
        }
    }

    private final String topic;
    private final String runId;
    private final double perSecond;
    private final KafkaProducer<String, String> producer;
    private final PriorityQueue<Live> live = new PriorityQueue<>((a, b) -> Long.compare(a.dueAt, b.dueAt));
    private final Map<Kind, AtomicLong> started = new EnumMap<>(Kind.class);
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final Thread thread;
    private volatile boolean starting = true;
    private long conversations;

    SoakTraffic(Infrastructure infra, String topic, String runId, double conversationsPerSecond) {
        this.topic = topic;
        this.runId = runId;
        this.perSecond = conversationsPerSecond;
        Properties props = infra.kafkaClientProperties();
        props.put("acks", "all");
        props.put("linger.ms", "5");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        for (Kind kind : Kind.values()) {
            started.put(kind, new AtomicLong());
        }
        this.thread = new Thread(this::run, "soak-traffic");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Starts no more conversations, lets those under way run their course (at most 14 s), then stops: every
     * conversation started is then of its kind, and {@link #expectedAnalyses()} exact.
     */
    void stop() throws InterruptedException {
        starting = false;
        thread.join(60_000);
        producer.flush();
    }

    long events() {
        return events.get();
    }

    long sendFailures() {
        return sendFailures.get();
    }

    long started(Kind kind) {
        return started.get(kind).get();
    }

    /** Analyses the conversations started so far make, by trigger type, once every one of them has run its course. */
    Map<String, Long> expectedAnalyses() {
        return Map.of("conversation.closed", started(Kind.CLOSED) + started(Kind.REQUESTED) + started(Kind.ATTENTION),
                "analysis.requested", started(Kind.REQUESTED), "conversation.idle", started(Kind.IDLE));
    }

    private void run() {
        long begin = System.currentTimeMillis();
        try {
            while (starting || !live.isEmpty()) {
                long now = System.currentTimeMillis();
                // As many conversations as the rate says by now: no drift when a tick is late.
                long due = (long) ((now - begin) / 1000.0 * perSecond);
                while (starting && conversations < due) {
                    startConversation(now);
                }
                while (!live.isEmpty() && live.peek().dueAt <= now) {
                    Live conversation = live.poll();
                    send(conversation.id, conversation.events.get(conversation.next++));
                    if (conversation.next < conversation.events.size()) {
                        conversation.dueAt += GAP_MS;
                        live.add(conversation);
                    }
                }
                Thread.sleep(TICK_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void startConversation(long now) {
        Kind kind = MIX[(int) (conversations % MIX.length)];
        String id = runId + "-" + kind.name().toLowerCase() + "-" + conversations++;
        started.get(kind).incrementAndGet();
        live.add(new Live(id, script(kind, id), now));
    }

    private static List<JsonObject> script(Kind kind, String id) {
        List<JsonObject> script = new ArrayList<>();
        boolean attention = kind == Kind.ATTENTION;
        int messages = kind == Kind.IDLE ? 3 : kind == Kind.REQUESTED ? 5 : 4;
        for (int m = 0; m < messages; m++) {
            if (kind == Kind.REQUESTED && m == 3) {
                script.add(event(id, id + "-request", "analysis.requested"));
            }
            boolean user = m % 2 == 0;
            String text = user
                    ? attention
                            ? "I was charged twice and this looks like fraud. I want a refund today."
                            : "Tôi không đăng nhập được, làm sao để đổi mật khẩu?"
                    : "Please open Settings, then Security, then Change password.";
            script.add(event(id, id + "-m" + m, "message").put("role", user ? "user" : "assistant").put("text", text)
                    .put("channel", "web"));
        }
        if (kind != Kind.IDLE) {
            script.add(event(id, id + "-close", "conversation.closed"));
        }
        return script;
    }

    private static JsonObject event(String conversation, String eventId, String type) {
        return new JsonObject().put("eventId", eventId).put("type", type).put("conversationId", conversation);
    }

    private void send(String conversation, JsonObject event) {
        event.put("timestamp", Instant.now().toString());
        producer.send(new ProducerRecord<>(topic, conversation, event.encode()), (metadata, error) -> {
            if (error != null) {
                sendFailures.incrementAndGet();
            }
        });
        events.incrementAndGet();
    }

    private static Kind[] mix() {
        Kind[] mix = new Kind[20];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = i < 11 ? Kind.CLOSED : i < 14 ? Kind.REQUESTED : i < 19 ? Kind.IDLE : Kind.ATTENTION;
        }
        // Spread over the 20, so that each second's conversations hold every kind (i × 3 mod 20 takes each index once).
        Kind[] spread = new Kind[mix.length];
        for (int i = 0; i < mix.length; i++) {
            spread[i] = mix[(i * 3) % mix.length];
        }
        return spread;
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            stop();
        }
        producer.close();
    }
}
