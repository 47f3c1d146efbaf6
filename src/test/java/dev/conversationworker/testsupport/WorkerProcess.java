package dev.conversationworker.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged worker ({@code target/quarkus-app/quarkus-run.jar}) as a child process, configured only through
 * environment variables, the way it runs in production; with what the OS and its endpoints say about it.
 */
public final class WorkerProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private WorkerProcess(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** Starts the worker against {@code infra} with {@code env} on top, and waits until it is ready. */
    public static WorkerProcess start(Infrastructure infra, int httpPort, Path log, Map<String, String> env,
            List<String> jvmOptions) throws IOException, InterruptedException {
        return start(JAR, infra, httpPort, log, env, jvmOptions);
    }

    /** Likewise with another build of the worker, e.g. the benchmark's baseline. */
    public static WorkerProcess start(Path jar, Infrastructure infra, int httpPort, Path log, Map<String, String> env,
            List<String> jvmOptions) throws IOException, InterruptedException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw package first");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        builder.environment().put("QUARKUS_REDIS_HOSTS", infra.redisHosts());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        builder.environment().putAll(env);
        WorkerProcess worker = new WorkerProcess(builder.start(), httpPort, log);
        try {
            worker.awaitReady(Duration.ofSeconds(120)); // a loaded 2-core machine can take a minute
        } catch (RuntimeException | IOException | InterruptedException e) {
            worker.process.destroyForcibly(); // never leave a half-started worker running behind a failed test
            throw e;
        }
        return worker;
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    private void awaitReady(Duration patience) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the worker exited; see " + log);
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the worker was not ready within " + patience + "; see " + log);
    }

    /** The Prometheus text of {@code /q/metrics}. */
    public String metrics() throws IOException, InterruptedException {
        return get("/q/metrics").body();
    }

    /** The sum of the samples whose line starts with {@code prefix}, e.g. {@code cw_analyses_total{} or a name
     * and a space. */
    public static double metric(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(WorkerProcess::sampleValue).sum();
    }

    /**
     * The value of one sample line; it may end with an exemplar (the trace it was counted in):
     * {@code name{…} value # {trace_id="…"} 1.0 …}.
     */
    public static double sampleValue(String sample) {
        int exemplar = sample.indexOf(" # ");
        String line = exemplar < 0 ? sample : sample.substring(0, exemplar);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** Peak resident set size in MiB (VmHWM), from /proc; -1 where there is no /proc. */
    public double peakRssMib() {
        return procStatusKib("VmHWM:") / 1024.0;
    }

    /** Resident set size now in MiB (VmRSS), from /proc; -1 where there is no /proc. */
    public double rssMib() {
        return procStatusKib("VmRSS:") / 1024.0;
    }

    /** The worker's process id (for {@code jcmd}, say). */
    public long pid() {
        return process.pid();
    }

    /** CPU seconds used so far (user + system), from /proc; -1 where there is no /proc. */
    public double cpuSeconds() {
        return cpuSecondsIn(Path.of("/proc", Long.toString(process.pid()), "stat"));
    }

    /**
     * CPU seconds used so far by the JIT compiler's threads ({@code C1/C2 CompilerThread…}), from /proc; -1 where
     * there is no /proc. Part of {@link #cpuSeconds()}: a short run after a small warm-up still pays for compiling.
     */
    public double jitCpuSeconds() {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            double seconds = 0;
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        seconds += Math.max(0, cpuSecondsIn(task.resolve("stat")));
                    }
                } catch (IOException threadGone) {
                    // the thread ended meanwhile
                }
            }
            return seconds;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User + system CPU seconds in a /proc {@code stat} file, a process's or a thread's; -1 if it cannot be read. */
    public static double cpuSecondsIn(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    private long procStatusKib(String field) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(l -> l.startsWith(field)).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong)
                    .findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits until a GET of {@code path} answers {@code status}; fails with the last status after {@code patience}. */
    public void awaitStatus(String path, int status, Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = httpStatus(path);
            if (last == status) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(path + " answered " + last + ", not " + status + ", within " + patience);
    }

    /** The HTTP status of a GET on the worker's port, e.g. {@code /q/health/live}; -1 when it does not answer. */
    public int httpStatus(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: the crash of a real machine, without a chance to commit or close anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Sends SIGTERM; whether it then stopped within {@code patience} as a JVM does on SIGTERM (0 or 143). */
    public boolean stopsCleanly(Duration patience) throws InterruptedException {
        process.destroy();
        return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)
                && (process.exitValue() == 0 || process.exitValue() == 143);
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
