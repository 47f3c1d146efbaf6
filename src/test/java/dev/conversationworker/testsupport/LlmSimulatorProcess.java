package dev.conversationworker.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@link LlmSimulator} in a JVM of its own, as it is on a user's machine (an LLM is never inside the worker's
 * host process, nor the benchmark's): its threads then compete with the worker for the cores the way a real
 * neighbour does, and its work is not counted in the benchmark's own JVM. The child answers with a latency of
 * {@code meanMs} ± {@code spread}, uniformly.
 */
public final class LlmSimulatorProcess implements AutoCloseable {

    private static final String READY = "llm-simulator listening on ";

    private final Process process;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    private LlmSimulatorProcess(Process process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /** Starts the child with the classes and dependencies of this build and waits until it listens. */
    public static LlmSimulatorProcess start(long meanMs, double spread, Path log) throws IOException {
        String classpath = String.join(java.io.File.pathSeparator, Path.of("target", "test-classes").toString(),
                Path.of("target", "classes").toString(),
                Files.readString(Path.of("target", "bench-classpath.txt")).trim());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classpath, LlmSimulatorProcess.class.getName(), Long.toString(meanMs),
                Double.toString(spread)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                String url = line.substring(READY.length()).trim();
                // The rest of its output goes to the log, so the pipe never fills and stalls it.
                Thread drain = new Thread(() -> drain(out, log), "llm-simulator-log");
                drain.setDaemon(true);
                drain.start();
                return new LlmSimulatorProcess(process, url);
            }
        }
        throw new IllegalStateException("the LLM simulator process exited before listening");
    }

    public long pid() {
        return process.pid();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Calls the child has received, all models together. */
    public int callCount() {
        return get(LlmSimulator.CALLS_PATH);
    }

    /** Calls the child holds unanswered now. */
    public int callsInFlight() {
        return get(LlmSimulator.IN_FLIGHT_PATH);
    }

    /** As {@link LlmSimulator#held()}, or null if the child does not answer. */
    public long[] held() {
        String[] counts = get(LlmSimulator.HELD_PATH, "").split(" ");
        return counts.length == 2 ? new long[]{Long.parseLong(counts[0]), Long.parseLong(counts[1])} : null;
    }

    /** As {@link LlmSimulator#billedInAll()}, or null if the child does not answer. */
    public LlmSimulator.Billed billed() {
        String[] counts = get(LlmSimulator.BILLED_PATH, "").split(" ");
        return counts.length == 4
                ? new LlmSimulator.Billed(Long.parseLong(counts[0]), Long.parseLong(counts[1]),
                        Long.parseLong(counts[2]), Integer.parseInt(counts[3]))
                : null;
    }

    private int get(String path) {
        try {
            return Integer.parseInt(get(path, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String get(String path, String otherwise) {
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(baseUrl.replaceFirst("/v1$",
                    "") + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return reply.body().trim();
        } catch (IOException e) {
            return otherwise;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return otherwise;
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static void drain(BufferedReader out, Path log) {
        try {
            String line;
            while ((line = out.readLine()) != null) {
                Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // the child has gone
        }
    }

    /** The child: {@code meanMs spread}. */
    public static void main(String[] args) throws InterruptedException {
        long meanMs = Long.parseLong(args[0]);
        double spread = Double.parseDouble(args[1]);
        LlmSimulator simulator = new LlmSimulator();
        simulator.recordCalls(false);
        simulator.defaultLatency(model -> Math.round(meanMs * (1 + spread * (2 * ThreadLocalRandom.current()
                .nextDouble() - 1))));
        System.out.println(READY + simulator.baseUrl());
        System.out.flush();
        Thread.currentThread().join(); // until the benchmark kills it
    }
}
