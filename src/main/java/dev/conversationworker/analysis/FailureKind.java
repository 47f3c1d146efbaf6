package dev.conversationworker.analysis;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

/**
 * What kind of I/O failure an exception is, in words that name no host, address, port or URL. The {@code error}
 * of a published analysis goes to analytics consumers and into on-call Chat messages; Vert.x and Netty messages
 * ({@code Connection refused: llm.internal/10.0.3.7:8443}) would hand the internal network's layout to both.
 * The full exception still goes to the log.
 */
final class FailureKind {

    private FailureKind() {
    }

    /** e.g. {@code connection refused}, {@code timeout}, {@code host not found}, {@code TLS error}. */
    static String of(Throwable failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage().toLowerCase(Locale.ROOT);
        if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")
                || message.contains("timed out") || message.contains("timeout")) {
            return "timeout";
        }
        if (failure instanceof UnknownHostException || message.contains("failed to resolve")
                || message.contains("unknown host") || message.contains("nodename nor servname")) {
            return "host not found";
        }
        if (failure instanceof ConnectException || message.contains("connection refused")) {
            return "connection refused";
        }
        if (failure instanceof NoRouteToHostException || message.contains("no route to host")) {
            return "no route to host";
        }
        if (failure instanceof SSLException || message.contains("ssl") || message.contains("certificate")) {
            return "TLS error";
        }
        if (message.contains("connection reset")) {
            return "connection reset";
        }
        if (failure instanceof ClosedChannelException || message.contains("closed")) {
            return "connection closed";
        }
        if (failure instanceof IOException || failure.getClass().getName().startsWith("io.vertx.")
                || failure.getClass().getName().startsWith("io.netty.")) {
            return "I/O error";
        }
        return "unexpected error (" + failure.getClass().getSimpleName() + ")";
    }
}
