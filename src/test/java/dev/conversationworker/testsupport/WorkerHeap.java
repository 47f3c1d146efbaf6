package dev.conversationworker.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker's live heap, by {@code jcmd}: a full collection ({@code GC.run}), then {@code GC.heap_info} in the same
 * attach. What the heap holds right after a full collection is what is still referenced, so a leak shows as a rising
 * line, whatever the collector's sizing does; /q/metrics cannot give it (its heap gauges include garbage not yet
 * collected, and {@code jvm_gc_live_data_size_bytes} moves only on old-generation collections, which G1 may not run
 * for an hour).
 */
public final class WorkerHeap {

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    /** Heap and metaspace in use (MiB) right after a full collection; NaN each where jcmd could not tell. */
    public record AfterGc(double heapMib, double metaspaceMib) {
    }

    private WorkerHeap() {
    }

    public static AfterGc afterFullGc(long pid) throws InterruptedException {
        try {
            Path commands = Files.createTempFile("soak-jcmd", ".txt");
            try {
                Files.writeString(commands, "GC.run\nGC.heap_info\n");
                Process jcmd = new ProcessBuilder(JCMD.toString(), Long.toString(pid), "-f", commands.toString())
                        .redirectErrorStream(true).start();
                String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
                    jcmd.destroyForcibly();
                }
                return parse(output);
            } finally {
                Files.deleteIfExists(commands);
            }
        } catch (IOException e) {
            return new AfterGc(Double.NaN, Double.NaN);
        }
    }

    /** Reads {@code GC.heap_info}'s lines (G1: {@code garbage-first heap   total 262144K, used 23416K [...]}). */
    public static AfterGc parse(String heapInfo) {
        return new AfterGc(kib(HEAP_USED.matcher(heapInfo)), kib(METASPACE_USED.matcher(heapInfo)));
    }

    private static double kib(Matcher matcher) {
        return matcher.find() ? Long.parseLong(matcher.group(1)) / 1024.0 : Double.NaN;
    }
}
