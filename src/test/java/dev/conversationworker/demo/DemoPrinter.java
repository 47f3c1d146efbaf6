package dev.conversationworker.demo;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.vertx.core.json.JsonObject;

/**
 * What the demo prints: its progress lines and the records as they come out, always in UTF-8. {@code System.out}
 * encodes with the platform charset, which is ASCII in a fresh container or many CI logs ({@code LANG=C}): every
 * Vietnamese letter, emoji and {@code ·} would come out as {@code ?}.
 */
final class DemoPrinter {

    private final PrintStream out;

    DemoPrinter(PrintStream out) {
        this.out = out;
    }

    /** Standard output, encoded as UTF-8 whatever the platform's default. */
    static PrintStream utf8Stdout() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    }

    void line(String format, Object... args) {
        out.printf(format + "%n", args);
    }

    void print(ConsumerRecord<String, String> record) {
        JsonObject value = new JsonObject(record.value());
        switch (record.topic()) {
            case "conversation-analyses" -> {
                JsonObject result = value.getJsonObject("result", new JsonObject());
                out.printf("── analysis  %s  (%s, %d messages)  [%s via %s]%n   %s%n", record.key(),
                        value.getString("trigger"), value.getInteger("messageCount"), value.getString("status"),
                        value.getString("provider"), result.encodePrettily().replace("\n", "\n   "));
            }
            case "oncall-notifications" -> out.printf("── 🔔 notification  %s  (severity %s)%n   %s%n%n",
                    record.key(), header(record, "severity"), value.getString("text").replace("\n", "\n   "));
            default -> out.printf("── dead letter  %s: %s%n", record.key(), header(record, "dead-letter-reason"));
        }
        out.flush();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
