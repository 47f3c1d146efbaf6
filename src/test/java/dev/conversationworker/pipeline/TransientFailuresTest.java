package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.RejectedExecutionException;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.Test;

import io.vertx.core.VertxException;

import dev.conversationworker.ingest.InvalidEventException;

class TransientFailuresTest {

    @Test
    void outagesAreTransient() {
        assertThat(TransientFailures.isTransient(new ConnectException("Connection refused"))).isTrue();
        assertThat(TransientFailures.isTransient(new VertxException("Connection was closed"))).isTrue();
        assertThat(TransientFailures.isTransient(new NotLeaderOrFollowerException("moved"))).isTrue();
        assertThat(TransientFailures.isTransient(new RejectedExecutionException("pool full"))).isTrue();
        assertThat(TransientFailures.isTransient(new RuntimeException(new IOException("reset")))).isTrue();
        assertThat(TransientFailures.isTransient(new RuntimeException("LOADING Redis is loading"))).isTrue();
    }

    @Test
    void poisonAndBugsAreNot() {
        assertThat(TransientFailures.isTransient(new InvalidEventException("not valid JSON",
                new IOException("parser")))).isFalse();
        assertThat(TransientFailures.isTransient(new NullPointerException())).isFalse();
        assertThat(TransientFailures.isTransient(new RuntimeException("WRONGTYPE Operation"))).isFalse();
    }
}
