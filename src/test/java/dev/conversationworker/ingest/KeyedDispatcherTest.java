package dev.conversationworker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

class KeyedDispatcherTest {

    @Test
    void keepsEachKeyInOrderRunsKeysConcurrentlyAndNeverExceedsTheBound() {
        int maxInFlight = 16;
        KeyedDispatcher dispatcher = new KeyedDispatcher(maxInFlight, Long.MAX_VALUE);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger maxAdmitted = new AtomicInteger();
        Random random = new Random(7);
        int events = 600;
        for (int i = 0; i < events; i++) {
            String key = "k" + random.nextInt(40);
            int seq = i;
            long delay = 1 + random.nextInt(5);
            // Submission waits for admission, like the consumer does.
            dispatcher.submit(key, 0, () -> Uni.createFrom().voidItem()
                    .invoke(() -> maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max))
                    .onItem().delayIt().by(Duration.ofMillis(delay))
                    .invoke(() -> {
                        running.decrementAndGet();
                        seen.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(seq);
                    })).await().atMost(Duration.ofSeconds(10));
            maxAdmitted.accumulateAndGet(dispatcher.inFlight(), Math::max);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> dispatcher.inFlight() == 0);

        assertThat(seen.values().stream().mapToInt(List::size).sum()).isEqualTo(events);
        seen.values().forEach(order -> assertThat(order).isSorted());
        assertThat(maxAdmitted.get()).isLessThanOrEqualTo(maxInFlight);
        assertThat(maxRunning.get()).isGreaterThan(1).isLessThanOrEqualTo(maxInFlight);
        assertThat(dispatcher.activeKeys()).as("no state left for idle keys").isZero();
    }

    @Test
    void workThatOnlyWaitsGivesItsPlaceBackButHoldsItsKeyUntilItEnds() {
        KeyedDispatcher dispatcher = new KeyedDispatcher(1, Long.MAX_VALUE);
        AtomicReference<UniEmitter<? super Void>> committed = new AtomicReference<>();
        dispatcher.submit("a", 0, freeSlot -> {
            freeSlot.run();
            freeSlot.run(); // once only
            return Uni.createFrom().<Void>emitter(committed::set);
        }).await().atMost(Duration.ofSeconds(1));
        AtomicBoolean sameKeyRan = new AtomicBoolean();
        AtomicBoolean otherKeyRan = new AtomicBoolean();

        dispatcher.submit("b", 0, () -> Uni.createFrom().voidItem().invoke(() -> otherKeyRan.set(true)))
                .await().atMost(Duration.ofSeconds(1));
        assertThat(otherKeyRan).as("admitted into the place given back, and run").isTrue();
        dispatcher.submit("a", 0, () -> Uni.createFrom().voidItem().invoke(() -> sameKeyRan.set(true)))
                .await().atMost(Duration.ofSeconds(1));
        assertThat(sameKeyRan).as("behind the first, which still waits").isFalse();

        committed.get().complete(null);
        assertThat(sameKeyRan).isTrue();
        await().atMost(Duration.ofSeconds(1)).until(() -> dispatcher.inFlight() == 0);
        assertThat(dispatcher.activeKeys()).isZero();
    }

    @Test
    void oneKeyRunsOneAtATime() {
        KeyedDispatcher dispatcher = new KeyedDispatcher(8, Long.MAX_VALUE);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int seq = i;
            dispatcher.submit("same", 0, () -> Uni.createFrom().voidItem()
                    .invoke(() -> maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max))
                    .onItem().delayIt().by(Duration.ofMillis(5))
                    .invoke(() -> {
                        running.decrementAndGet();
                        synchronized (order) {
                            order.add(seq);
                        }
                    })).await().indefinitely();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.inFlight() == 0);
        assertThat(maxRunning).hasValue(1);
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void aFullDispatcherHoldsAdmissionUntilRoomIsMade() {
        KeyedDispatcher dispatcher = new KeyedDispatcher(1, Long.MAX_VALUE);
        AtomicReference<UniEmitter<? super Void>> firstWork = new AtomicReference<>();
        dispatcher.submit("a", 0, () -> Uni.createFrom().<Void>emitter(firstWork::set)).await().indefinitely();
        AtomicBoolean secondAdmitted = new AtomicBoolean();
        dispatcher.submit("b", 0, () -> Uni.createFrom().voidItem()).subscribe().with(v -> secondAdmitted.set(true));
        assertThat(secondAdmitted).as("no room yet").isFalse();
        firstWork.get().complete(null);
        await().atMost(Duration.ofSeconds(5)).untilTrue(secondAdmitted);
    }

    @Test
    void recordBytesInFlightStayWithinTheBudgetAndAnOversizedRecordGoesAlone() {
        KeyedDispatcher dispatcher = new KeyedDispatcher(100, 1_000);
        List<UniEmitter<? super Void>> running = new CopyOnWriteArrayList<>();
        AtomicInteger admitted = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            dispatcher.submit("k" + i, 400, () -> Uni.createFrom().<Void>emitter(running::add)).subscribe()
                    .with(v -> admitted.incrementAndGet());
        }
        assertThat(admitted).as("two of 400 bytes fit in 1,000; the third waits").hasValue(2);
        AtomicBoolean oversizedAdmitted = new AtomicBoolean();
        dispatcher.submit("big", 5_000, () -> Uni.createFrom().<Void>emitter(running::add)).subscribe()
                .with(v -> oversizedAdmitted.set(true));

        running.get(0).complete(null);
        assertThat(admitted).as("room for the third").hasValue(3);
        assertThat(oversizedAdmitted).as("waits behind the third, in arrival order").isFalse();
        running.get(1).complete(null);
        running.get(2).complete(null);
        assertThat(oversizedAdmitted).as("alone, once nothing else is in flight").isTrue();
        assertThat(dispatcher.inFlightBytes()).isEqualTo(5_000);
        assertThat(dispatcher.peakInFlightBytes()).isEqualTo(5_000);
        running.get(3).complete(null);
        assertThat(dispatcher.inFlightBytes()).isZero();
    }
}
