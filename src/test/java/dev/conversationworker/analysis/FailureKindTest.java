package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import io.opentelemetry.context.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Provider;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.testsupport.Ports;
import dev.conversationworker.testsupport.TestConfigs;

class FailureKindTest {

    @Test
    void vertxAndNettyFailuresAreReducedToAKind() {
        assertThat(FailureKind.of(new ConnectException("Connection refused: localhost/127.0.0.1:1234")))
                .isEqualTo("connection refused");
        assertThat(FailureKind.of(new VertxException("The timeout period of 2000ms has been exceeded while "
                + "executing POST /v1/chat/completions for server 10.0.3.7:8443"))).isEqualTo("timeout");
        assertThat(FailureKind.of(new UnknownHostException("llm.internal.example: Name or service not known")))
                .isEqualTo("host not found");
        assertThat(FailureKind.of(new VertxException("Failed to resolve 'llm.internal.example'")))
                .isEqualTo("host not found");
        assertThat(FailureKind.of(new SSLHandshakeException("PKIX path building failed for llm.internal.example")))
                .isEqualTo("TLS error");
        assertThat(FailureKind.of(new VertxException("Connection reset by peer"))).isEqualTo("connection reset");
        assertThat(FailureKind.of(new VertxException("Connection was closed"))).isEqualTo("connection closed");
        assertThat(FailureKind.of(new IllegalStateException("http://10.0.3.7:8443/v1 broke")))
                .isEqualTo("unexpected error (IllegalStateException)");
    }

    @Test
    void thePublishedErrorKeepsOurOwnMessagesAndNamesNoHostPortOrUrl() {
        TimeoutException deadline = new TimeoutException("no valid answer within the deadline of 30000 ms");
        deadline.addSuppressed(LlmCallException.retryable("primary answered HTTP 503", null));
        deadline.addSuppressed(new ConnectException("Connection refused: llm.internal/10.0.3.7:8443"));
        deadline.addSuppressed(new InvalidAnswerException("fallback gave an invalid answer: model refused"));

        assertThat(LlmFailures.describe(deadline)).isEqualTo("no valid answer within the deadline of "
                + "30000 ms; primary answered HTTP 503; connection refused; fallback gave an invalid answer: model "
                + "refused");
    }

    @Test
    void aRefusedConnectionToARealPortFailsTheAttemptWithoutNamingIt() throws Exception {
        int closedPort = Ports.freePort();
        Vertx vertx = Vertx.vertx();
        try {
            LlmHttpClient http = new LlmHttpClient(vertx, Duration.ofSeconds(2), Duration.ofSeconds(5), 4, 1024);
            LlmEndpoint endpoint = new LlmEndpoint(new EndpointSettings(Provider.PRIMARY,
                    "http://127.0.0.1:" + closedPort + "/v1", null, "m", LlmConfig.ResponseFormat.JSON_SCHEMA, 4),
                    TestConfigs.fastLlm(1024), http, Traces.none());
            UsageLedger ledger = new UsageLedger(LlmUsage.NONE, UsageLedger.Sink.NONE);
            assertThatThrownBy(() -> endpoint.analyse(AnalysisPrompt.of(new FormattedConversation("1. [USER]: hi",
                    1, 1, false)), Context.root(), false, ledger).await().atMost(Duration.ofSeconds(10)))
                    .isInstanceOf(LlmCallException.class).hasMessage("primary failed: connection refused")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("127.0.0.1", "" + closedPort));
            // Never sent, never billed: the provider did not see the request.
            assertThat(ledger.total()).isEqualTo(LlmUsage.NONE);
        } finally {
            vertx.close();
        }
    }
}
