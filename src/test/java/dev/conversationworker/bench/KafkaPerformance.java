package dev.conversationworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.conversationworker.testsupport.Infrastructure;

/**
 * Kafka's own ProducerPerformance and ConsumerPerformance on the same broker, as child processes: the upper bound
 * of what any consumer of this machine's broker can do.
 */
final class KafkaPerformance {

    private KafkaPerformance() {
    }

    static String measure(Infrastructure infra, int records) throws IOException, InterruptedException {
        String topic = "bench-kafka-perf-" + System.currentTimeMillis();
        infra.createTopics(Map.of(topic, 4));
        String produced = lastLine(run("org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
                "--num-records", Integer.toString(records), "--record-size", "200", "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + infra.bootstrapServers(), "acks=all", "linger.ms=10",
                "batch.size=262144"));
        String consumed = lastLine(run("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server",
                infra.bootstrapServers(), "--topic", topic, "--messages", Integer.toString(records)));
        return "Kafka's own tools on the same broker, same run, " + records + " records of 200 B, 4 partitions:\n"
                + "- ProducerPerformance (acks=all): `" + produced + "`\n"
                + "- ConsumerPerformance (start, end, MB, MB/s, records, records/s, …): `" + consumed + "`";
    }

    private static List<String> run(String mainClass, String... args) throws IOException, InterruptedException {
        String classpath = Files.readString(Path.of("target", "bench-classpath.txt")).strip();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(process.getInputStream().readAllBytes()).lines().toList();
        process.waitFor();
        return lines;
    }

    private static String lastLine(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank() && !l.contains("WARN") && !l.contains("SLF4J"))
                .reduce((a, b) -> b).orElse("(no output)");
    }
}
