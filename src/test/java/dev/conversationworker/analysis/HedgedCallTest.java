package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

class HedgedCallTest {

    private final AtomicInteger hedges = new AtomicInteger();

    @Test
    void aFastPrimaryWinsAndTheFallbackNeverStarts() {
        AtomicBoolean fallbackStarted = new AtomicBoolean();
        String winner = race(after(10, "primary"), () -> {
            fallbackStarted.set(true);
            return after(10, "fallback").get();
        }, 500);
        assertThat(winner).isEqualTo("primary");
        assertThat(fallbackStarted).isFalse();
        assertThat(hedges).hasValue(0);
    }

    @Test
    void aSlowPrimaryIsHedgedAndCancelledWhenTheFallbackWins() {
        AtomicBoolean primaryCancelled = new AtomicBoolean();
        Uni<String> slowPrimary = Uni.createFrom().item("primary").onItem().delayIt().by(Duration.ofSeconds(5))
                .onCancellation().invoke(() -> primaryCancelled.set(true));
        long started = System.nanoTime();
        String winner = race(() -> slowPrimary, after(10, "fallback"), 100);
        assertThat(winner).isEqualTo("fallback");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(primaryCancelled).isTrue();
        assertThat(hedges).hasValue(1);
    }

    @Test
    void aFailingPrimaryStartsTheFallbackAtOnce() {
        long started = System.nanoTime();
        String winner = race(() -> Uni.createFrom().failure(new IllegalStateException("500")),
                after(10, "fallback"), 5_000);
        assertThat(winner).isEqualTo("fallback");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(hedges).as("not a hedge: the primary failed").hasValue(0);
    }

    @Test
    void failsWithBothFailuresWhenBothFail() {
        UniAssertSubscriber<String> subscriber = HedgedCall.<String>race(
                () -> Uni.createFrom().failure(LlmCallException.permanent("primary down")),
                () -> Uni.createFrom().failure(LlmCallException.permanent("fallback down")),
                Duration.ofMillis(50), hedges::incrementAndGet)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        Throwable failure = subscriber.awaitFailure(Duration.ofSeconds(5)).getFailure();
        assertThat(failure).hasMessage("fallback down");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("primary down");
    }

    @Test
    void cancellingTheRaceCancelsBothCalls() {
        AtomicInteger cancelled = new AtomicInteger();
        Uni<String> never = Uni.createFrom().<String>nothing().onCancellation().invoke(cancelled::incrementAndGet);
        UniAssertSubscriber<String> subscriber = HedgedCall.race(() -> never, () -> never, Duration.ofMillis(10),
                hedges::incrementAndGet).subscribe().withSubscriber(UniAssertSubscriber.create());
        await().untilAtomic(hedges, equalTo(1));
        subscriber.cancel();
        assertThat(cancelled).hasValue(2);
    }

    private String race(Supplier<Uni<String>> primary,
            Supplier<Uni<String>> fallback, long hedgeDelayMs) {
        return HedgedCall.race(primary, fallback, Duration.ofMillis(hedgeDelayMs), hedges::incrementAndGet)
                .await().atMost(Duration.ofSeconds(10));
    }

    private static Supplier<Uni<String>> after(long millis, String item) {
        return () -> Uni.createFrom().item(item).onItem().delayIt().by(Duration.ofMillis(millis));
    }
}
