package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

class ConcurrencyLimitTest {

    @Test
    void callsOverTheCapWaitAndAllComplete() {
        ConcurrencyLimit limit = new ConcurrencyLimit(3);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 30; i++) {
            limit.run(() -> Uni.createFrom().voidItem()
                    .invoke(() -> maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max))
                    .onItem().delayIt().by(Duration.ofMillis(5))
                    .invoke(running::decrementAndGet))
                    .subscribe().with(v -> done.incrementAndGet());
        }
        await().atMost(Duration.ofSeconds(10)).untilAtomic(done, org.hamcrest.Matchers.equalTo(30));
        assertThat(maxRunning.get()).isEqualTo(3);
        assertThat(limit.running()).isZero();
        assertThat(limit.waiting()).isZero();
    }

    @Test
    void cancelledCallsGiveTheirSlotBackWhetherRunningOrWaiting() {
        ConcurrencyLimit limit = new ConcurrencyLimit(2);
        List<Cancellable> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(limit.run(() -> Uni.createFrom().nothing()).subscribe().with(v -> {
            }));
        }
        assertThat(limit.running()).isEqualTo(2);
        assertThat(limit.waiting()).isEqualTo(3);
        calls.get(4).cancel(); // waiting
        assertThat(limit.waiting()).isEqualTo(2);
        calls.get(0).cancel(); // running: its slot goes to the next waiter
        assertThat(limit.running()).isEqualTo(2);
        assertThat(limit.waiting()).isEqualTo(1);
        calls.forEach(Cancellable::cancel);
        assertThat(limit.running()).isZero();
        assertThat(limit.waiting()).isZero();
    }

    @Test
    void pushBackHalvesTheLimitAndSuccessesGrowItBack() {
        ConcurrencyLimit limit = new ConcurrencyLimit(8);
        List<Cancellable> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(limit.run(() -> Uni.createFrom().nothing()).subscribe().with(v -> {
            }));
        }
        assertThat(limit.running()).isEqualTo(8);
        limit.reduce();
        assertThat(limit.limit()).isEqualTo(4);
        // Running calls end: their slots are not handed on until only 4 run.
        for (int i = 0; i < 4; i++) {
            calls.get(i).cancel();
        }
        assertThat(limit.running()).isEqualTo(4);
        assertThat(limit.waiting()).isEqualTo(4);
        calls.get(4).cancel();
        assertThat(limit.running()).as("at the limit, a slot goes to a waiter").isEqualTo(4);
        assertThat(limit.waiting()).isEqualTo(3);
        limit.recover();
        assertThat(limit.limit()).isEqualTo(5);
        assertThat(limit.running()).isEqualTo(5);
        for (int i = 0; i < 10; i++) {
            limit.recover();
        }
        assertThat(limit.limit()).isEqualTo(8);
        calls.forEach(Cancellable::cancel);
        assertThat(limit.running()).isZero();
    }
}
