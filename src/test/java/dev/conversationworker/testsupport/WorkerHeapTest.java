package dev.conversationworker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WorkerHeapTest {

    @Test
    void readsHeapAndMetaspaceInUseFromJcmd() {
        // jcmd <pid> -f (GC.run, GC.heap_info) of a JDK 17 with G1, as printed here.
        String output = """
                10119:
                Command executed successfully
                 garbage-first heap   total 17408K, used 2884K [0x00000000d0000000, 0x0000000100000000)
                  region size 1024K, 0 young (0K), 0 survivors (0K)
                 Metaspace       used 8925K, committed 9088K, reserved 1114112K
                  class space    used 1062K, committed 1152K, reserved 1048576K
                """;
        WorkerHeap.AfterGc heap = WorkerHeap.parse(output);
        assertThat(heap.heapMib()).isCloseTo(2884 / 1024.0, within(1e-9));
        assertThat(heap.metaspaceMib()).isCloseTo(8925 / 1024.0, within(1e-9));
        assertThat(WorkerHeap.parse("10119: Unable to open socket file").heapMib()).isNaN();
    }
}
