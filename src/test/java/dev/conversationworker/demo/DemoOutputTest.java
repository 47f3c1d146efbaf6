package dev.conversationworker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/**
 * The demo's output is UTF-8 where the platform's charset is not (a fresh container, many CI logs): run in a JVM whose
 * default and standard-output charsets are US-ASCII, it still prints Vietnamese letters, emoji and {@code ·} as
 * they are, where {@code System.out} prints {@code ?}.
 */
class DemoOutputTest {

    private static final String VIETNAMESE = "Tôi bị khóa tài khoản";

    @Test
    void printsUtf8WhateverThePlatformCharset() throws Exception {
        byte[] demo = runAsciiJvm("demo");
        String printed = new String(demo, StandardCharsets.UTF_8);
        assertThat(printed).contains("── analysis  c-42", VIETNAMESE, "── 🔔 notification  c-42",
                "Intent: account access · Sentiment: negative", "[demo] done ✓");
        assertThat(demo).as("the bytes of the Vietnamese text, in UTF-8")
                .containsSequence(VIETNAMESE.getBytes(StandardCharsets.UTF_8));
        assertThat(printed).doesNotContain("?");
    }

    @Test
    void theSameLinesThroughSystemOutLoseThemThere() throws Exception {
        // The control: this JVM really is one where System.out cannot print the demo's text.
        String printed = new String(runAsciiJvm("system-out"), StandardCharsets.UTF_8);
        assertThat(printed).contains("T?i b? kh?a t?i kho?n").doesNotContain(VIETNAMESE);
    }

    /** Runs {@link PrintSamples} in a JVM with US-ASCII as every default charset; returns its standard output. */
    private static byte[] runAsciiJvm(String stream) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "-Dfile.encoding=US-ASCII",
                "-Dsun.stdout.encoding=US-ASCII", "-Dstdout.encoding=US-ASCII", PrintSamples.class.getName(),
                stream));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("LANG", "C");
        builder.environment().remove("LC_ALL");
        Process child = builder.start();
        byte[] out = child.getInputStream().readAllBytes();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        return out;
    }

    /** Prints a sample analysis and notification as the demo does, through the demo's stream or System.out. */
    public static final class PrintSamples {

        public static void main(String[] args) {
            DemoPrinter printer = new DemoPrinter("demo".equals(args[0]) ? DemoPrinter.utf8Stdout() : System.out);
            JsonObject analysis = new JsonObject().put("trigger", "conversation.closed").put("messageCount", 2)
                    .put("status", "degraded").put("provider", "offline").put("result", new JsonObject()
                            .put("summary", VIETNAMESE + " 🔒").put("language", "vi"));
            printer.print(new ConsumerRecord<>("conversation-analyses", 0, 0, "c-42", analysis.encode()));
            ConsumerRecord<String, String> notification = new ConsumerRecord<>("oncall-notifications", 0, 0, "c-42",
                    new JsonObject().put("text", "🔴 *HIGH*: conversation c-42 needs attention\n"
                            + "Intent: account access · Sentiment: negative\nSummary: " + VIETNAMESE).encode());
            notification.headers().add(new RecordHeader("severity", "high".getBytes(StandardCharsets.UTF_8)));
            printer.print(notification);
            printer.line("[demo] done ✓");
        }
    }
}
