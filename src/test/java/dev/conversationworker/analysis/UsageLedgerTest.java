package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.conversationworker.model.LlmUsage;

class UsageLedgerTest {

    private final ConcurrentLinkedQueue<String> sink = new ConcurrentLinkedQueue<>();
    private final UsageLedger ledger = new UsageLedger(LlmUsage.NONE, (endpoint, call) -> sink.add(endpoint + " "
            + call.promptTokens() + "/" + call.completionTokens() + "/" + call.cachedTokens() + "/" + call.calls()));

    /** Unbudgeted, a call opens at once. */
    private UsageLedger.Call open(String endpoint, int promptTokens) {
        return ledger.open(endpoint, () -> promptTokens, 2_000, 800).await().indefinitely();
    }

    private static UsageLedger.Call sent(UsageLedger.Call call) {
        call.sent();
        return call;
    }

    @Test
    void sumsEveryCallAnsweredRefusedOrLost() {
        open("primary", 1000).refused(); // a 503: one call, nothing billed
        open("primary", 1000).answered(new LlmUsage(1000, 120, 768, 1, false));
        sent(open("fallback", 900)).lost(); // a cancelled hedge: its prompt, estimated
        open("fallback", 900).lost(); // connection refused: no call at all
        open("fallback", 900).lost(); // given up while waiting for a connection: never sent

        assertThat(ledger.total()).isEqualTo(new LlmUsage(1900, 120, 768, 3, true));
        // The lost hedge is billed when the total is read (its prompt counted then, off the event loop).
        assertThat(sink).containsExactly("primary 0/0/0/1", "primary 1000/120/768/1", "fallback 0/0/0/0",
                "fallback 0/0/0/0", "fallback 900/0/0/1");
    }

    @Test
    void aCallIsSettledOnceWhateverComesAfter() {
        UsageLedger.Call call = open("primary", 50);
        call.answered(new LlmUsage(50, 10, 0, 1, false));
        call.lost(); // the cancellation that follows a win
        call.refused();
        assertThat(ledger.total()).isEqualTo(new LlmUsage(50, 10, 0, 1, false));
        assertThat(sink).hasSize(1);
    }

    @Test
    void aCallStillOpenWhenTheTotalIsReadCountsAsLostAndIsCountedLazily() {
        AtomicInteger counted = new AtomicInteger();
        UsageLedger.Call open = sent(ledger.open("primary", () -> {
            counted.incrementAndGet();
            return 700;
        }, 2_000, 800).await().indefinitely());
        open("fallback", 700); // still waiting for a connection: nothing to bill yet
        ledger.open("fallback", () -> {
            throw new AssertionError("an answered call's prompt is never counted here");
        }, 2_000, 800).await().indefinitely().answered(new LlmUsage(690, 40, 0, 1, false));
        assertThat(counted).hasValue(0);
        assertThat(ledger.total()).isEqualTo(new LlmUsage(1390, 40, 0, 2, true));
        assertThat(counted).hasValue(1);
        open.lost();
        assertThat(ledger.total()).isEqualTo(new LlmUsage(1390, 40, 0, 2, true));
    }

    @Test
    void aLostCallsPromptIsCountedWhenTheTotalIsReadNotWhereItWasLost() {
        AtomicInteger counted = new AtomicInteger();
        sent(ledger.open("fallback", () -> {
            counted.incrementAndGet();
            return 900;
        }, 2_000, 800).await().indefinitely()).lost(); // on the event loop that cancelled it

        assertThat(counted).as("no tokenizer on the event loop").hasValue(0);
        assertThat(ledger.needsCounting()).isTrue();
        assertThat(ledger.total()).isEqualTo(new LlmUsage(900, 0, 0, 1, true));
        assertThat(counted).hasValue(1);
        assertThat(ledger.needsCounting()).isFalse();
    }

    @Test
    void earlierAttemptsOfAWaitingAnalysisAreCarriedOver() {
        UsageLedger again = new UsageLedger(new LlmUsage(300, 0, 0, 2, true), UsageLedger.Sink.NONE);
        again.open("primary", () -> 300, 2_000, 800).await().indefinitely()
                .answered(new LlmUsage(300, 25, 256, 1, false));
        assertThat(again.total()).isEqualTo(new LlmUsage(600, 25, 256, 3, true));
    }

    @Test
    void callsSettledFromManyThreadsAtOnceAreAllCounted() throws Exception {
        int threads = 8;
        int callsEach = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < callsEach; i++) {
                    UsageLedger.Call call = open(thread % 2 == 0 ? "primary" : "fallback", 3);
                    if (i % 2 == 0) {
                        call.answered(new LlmUsage(10, 2, 1, 1, false));
                    } else {
                        sent(call).lost();
                    }
                    ledger.total(); // readers alongside writers
                }
                return null;
            }));
        }
        start.countDown();
        for (var f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long n = (long) threads * callsEach;
        assertThat(ledger.total()).isEqualTo(new LlmUsage(n / 2 * 10 + n / 2 * 3, n / 2 * 2, n / 2, (int) n, true));
        assertThat(sink).hasSize((int) n);
    }
}
