package dev.conversationworker.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.RejectedExecutionException;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;

import io.vertx.core.VertxException;
import io.vertx.redis.client.impl.types.ErrorType;

import dev.conversationworker.model.InvalidEventException;

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

    @Test
    void redisRefusingIsTransientAndRedisSayingOurDataIsWrongIsNot() {
        for (String refusal : new String[]{"OOM command not allowed when used memory > 'maxmemory'.",
                "NOREPLICAS Not enough good replicas to write.", "MISCONF Redis is configured to save RDB snapshots",
                "NOAUTH Authentication required.", "NOPERM this user has no permissions", "LOADING Redis is loading",
                "ERR max number of clients reached", "READONLY You can't write against a read only replica."}) {
            assertThat(TransientFailures.isTransient(ErrorType.create(refusal))).as(refusal).isTrue();
            assertThat(TransientFailures.isTransient(new RuntimeException(ErrorType.create(refusal)))).as(refusal)
                    .isTrue();
        }
        assertThat(TransientFailures.isTransient(ErrorType.create(
                "WRONGTYPE Operation against a key holding the wrong kind of value"))).isFalse();
        assertThat(TransientFailures.isTransient(ErrorType.create("ERR Error running script (call to f_1): "
                + "@user_script:3: bad argument"))).isFalse();
    }

    @Test
    void redisUnavailableForAWhileIsTransient() {
        for (String refusal : new String[]{"TRYAGAIN Multiple keys request during rehashing of slot",
                "CLUSTERDOWN The cluster is down", "MASTERDOWN Link with MASTER is down",
                "BUSY Redis is busy running a script.", "MOVED 3999 127.0.0.1:6381", "ASK 3999 127.0.0.1:6381",
                "WRONGPASS invalid username-password pair or user is disabled."}) {
            assertThat(TransientFailures.isTransient(ErrorType.create(refusal))).as(refusal).isTrue();
        }
    }

    @Test
    void aRedisErrorCodeThatIsNotAnOutageIsABugAndSoIsOneWeDoNotKnow() {
        for (String bug : new String[]{"CROSSSLOT Keys in request don't hash to the same slot",
                "NOSCRIPT No matching script. Please use EVAL.", "EXECABORT Transaction discarded",
                "ERR unknown command 'FOO'", "NEWCODE something Redis added later"}) {
            assertThat(TransientFailures.isTransient(ErrorType.create(bug))).as(bug).isFalse();
            assertThat(TransientFailures.isTransient(new RuntimeException(bug))).as(bug).isFalse();
        }
    }

    @Test
    void aRefusalMetInsideAScriptIsTransientAsRedisSixReportsIt() {
        // As redis-server 6.2.6 answers an EVAL whose write is refused (checked by hand against the test Redis).
        String script = "ERR Error running script (call to f_219bb33e7c6773035c720850383aa2ebb63d9904): "
                + "@user_script:1: @user_script: 1: ";
        assertThat(TransientFailures.isTransient(ErrorType.create(script
                + "-OOM command not allowed when used memory > 'maxmemory'."))).isTrue();
        assertThat(TransientFailures.isTransient(ErrorType.create(script
                + "-READONLY You can't write against a read only replica."))).isTrue();
        assertThat(TransientFailures.isTransient(ErrorType.create(
                "ERR Error running script (call to f_36b4): @user_script:1: WRONGTYPE Operation against a key")))
                .isFalse();
        assertThat(TransientFailures.isTransient(ErrorType.create(script + "-CROSSSLOT Keys in request"))).isFalse();
    }

    @Test
    void kafkaRefusingIsTransient() {
        assertThat(TransientFailures.isTransient(new TopicAuthorizationException("not authorized"))).isTrue();
        assertThat(TransientFailures.isTransient(new SaslAuthenticationException("bad credentials"))).isTrue();
    }

    @Test
    void ourOwnDataUnreadableIsNotTransientEvenThoughJacksonErrorsAreIoExceptions() {
        JsonProcessingException unreadable = new JsonParseException(null, "Unexpected character");
        assertThat(TransientFailures.isTransient(unreadable)).isFalse();
        assertThat(TransientFailures.isTransient(new UncheckedIOException(unreadable))).isFalse();
    }
}
