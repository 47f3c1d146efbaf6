package dev.conversationworker.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

class UntilDoneTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5));

    @Test
    void aStepThatSucceedsRunsOnce() {
        AtomicInteger runs = new AtomicInteger();
        String result = UntilDone.run(() -> Uni.createFrom().item("done-" + runs.incrementAndGet()),
                failure -> true, failure -> {
                }, FAST).await().atMost(Duration.ofSeconds(5));
        assertThat(result).isEqualTo("done-1");
    }

    @Test
    void retryableFailuresAreRetriedAndReportedUntilTheStepSucceeds() {
        AtomicInteger runs = new AtomicInteger();
        List<String> reported = new ArrayList<>();
        String result = UntilDone.run(() -> runs.incrementAndGet() < 5
                ? Uni.createFrom().failure(new IllegalStateException("try " + runs.get()))
                : Uni.createFrom().item("done"), IllegalStateException.class::isInstance,
                failure -> reported.add(failure.getMessage()), FAST).await().atMost(Duration.ofSeconds(5));
        assertThat(result).isEqualTo("done");
        assertThat(reported).containsExactly("try 1", "try 2", "try 3", "try 4");
    }

    @Test
    void aFailureThatIsNotRetryableEndsItAtOnceEvenAfterRetries() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> UntilDone.run(() -> Uni.createFrom().failure(runs.incrementAndGet() < 3
                ? new IllegalStateException("transient")
                : new IllegalArgumentException("poison")), IllegalStateException.class::isInstance, failure -> {
                }, FAST).await().atMost(Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(runs).hasValue(3);
        // and a thrown step counts as its failure
        assertThatThrownBy(() -> UntilDone.run(() -> {
            throw new IllegalArgumentException("thrown");
        }, failure -> false, failure -> {
        }, FAST).await().atMost(Duration.ofSeconds(5))).hasMessage("thrown");
    }

    @Test
    void cancellingStopsTheRetries() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        Cancellable subscription = UntilDone.run(() -> {
            runs.incrementAndGet();
            return Uni.createFrom().<String>failure(new IllegalStateException("down"));
        }, failure -> true, failure -> {
        }, new Backoff(Duration.ofMillis(20), Duration.ofMillis(20))).subscribe().with(item -> {
        }, failure -> {
        });
        Thread.sleep(100);
        subscription.cancel();
        int afterCancel = runs.get();
        Thread.sleep(150);
        assertThat(afterCancel).isGreaterThan(1);
        assertThat(runs.get()).isLessThanOrEqualTo(afterCancel + 1);
    }
}
