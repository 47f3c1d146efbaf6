package dev.conversationworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import dev.conversationworker.testsupport.WorkerProcess;

/**
 * CPU seconds used so far by what shares the machine with the worker, from /proc (-1 where there is none): Redis
 * (the {@code redis-server} this JVM started), this JVM (the broker, the in-JVM LLM simulator, the load generator
 * and the reader), an LLM simulator in a process of its own, and all cores together. A run's figures are the
 * difference of two snapshots: they show whether the worker or the machine is the bound.
 */
record MachineCpu(double redis, double benchmarkJvm, double llmProcess, double machineBusy, double machineAll) {

    static MachineCpu now(OptionalLong llmProcessPid) {
        double[] machine = machine();
        return new MachineCpu(
                ProcessHandle.current().descendants()
                        .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                        .findFirst().map(p -> process(p.pid())).orElse(-1.0),
                process(ProcessHandle.current().pid()),
                llmProcessPid.isPresent() ? process(llmProcessPid.getAsLong()) : 0,
                machine[0], machine[1]);
    }

    MachineCpu minus(MachineCpu before) {
        return new MachineCpu(redis < 0 ? -1 : redis - before.redis, benchmarkJvm - before.benchmarkJvm,
                llmProcess - before.llmProcess, machineBusy - before.machineBusy, machineAll - before.machineAll);
    }

    private static double process(long pid) {
        return WorkerProcess.cpuSecondsIn(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** Busy and all CPU seconds of all cores since boot (idle and iowait are not busy). */
    private static double[] machine() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            double all = 0;
            for (int i = 1; i < Math.min(cpu.length, 9); i++) { // user … steal; guest time is inside user
                all += Long.parseLong(cpu[i]);
            }
            double idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
            return new double[]{(all - idle) / 100.0, all / 100.0};
        } catch (IOException | RuntimeException e) {
            return new double[]{-1, -1};
        }
    }
}
