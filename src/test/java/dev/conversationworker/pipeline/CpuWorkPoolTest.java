package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import dev.conversationworker.testsupport.WithLlm;

/** CPU work asked for from an event loop runs on the bounded pool, never on the event loop. */
@QuarkusTest
@TestProfile(WithLlm.class)
class CpuWorkPoolTest {

    @Inject
    CpuWorkPool pool;

    @Inject
    Vertx vertx;

    @Test
    void workSubmittedFromAnEventLoopRunsOffIt() throws Exception {
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        CompletableFuture<Boolean> submittedFromEventLoop = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            submittedFromEventLoop.complete(Context.isOnEventLoopThread());
            pool.run(() -> Context.isOnEventLoopThread() + " " + Thread.currentThread().getName())
                    .subscribe().with(ranOn::complete, ranOn::completeExceptionally);
        });
        assertThat(submittedFromEventLoop.get()).isTrue();
        assertThat(ranOn.get(5, TimeUnit.SECONDS))
                .startsWith("false " + CpuWorkPool.THREAD_PREFIX);
    }

    @Test
    void thePoolIsBounded() {
        assertThat(pool.run(() -> Thread.currentThread().getName()).await().atMost(Duration.ofSeconds(5)))
                .matches(CpuWorkPool.THREAD_PREFIX + "\\d+");
        assertThat(pool.threads()).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void smallWorkStaysWhereItIsAskedForAndBigWorkGoesToThePool() {
        String caller = Thread.currentThread().getName();
        assertThat(pool.run(CpuWorkPool.INLINE_BYTES, () -> Thread.currentThread().getName()).await()
                .atMost(Duration.ofSeconds(5))).isEqualTo(caller);
        assertThat(pool.run(CpuWorkPool.INLINE_BYTES + 1, () -> Thread.currentThread().getName()).await()
                .atMost(Duration.ofSeconds(5))).startsWith(CpuWorkPool.THREAD_PREFIX);
    }
}
