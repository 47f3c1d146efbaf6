package dev.conversationworker.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A Google Chat space: its name, which may be shown anywhere, and its webhook URL, a secret that only the HTTP
 * client sees. {@link #toString()} shows the name only.
 */
final class Space {

    static final String REPLY_OPTION = "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD";

    private final String name;
    private final String webhookUrl;

    Space(String name, String webhookUrl) {
        if (webhookUrl == null || webhookUrl.isBlank()) {
            throw new IllegalArgumentException("the webhook URL of space " + name + " is empty");
        }
        this.name = name;
        this.webhookUrl = webhookUrl.strip();
        // Checked here, once, with an error naming only the space: the HTTP client's own complaint about a malformed
        // URL quotes it whole, key and token included, and would be logged on every retry.
        if (!wellFormed(this.webhookUrl)) {
            throw new IllegalArgumentException("the webhook URL of space " + name
                    + " is not an absolute http(s) URL (the URL itself is a secret and not shown)");
        }
    }

    private static boolean wellFormed(String url) {
        try {
            URI uri = new URI(url);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    String name() {
        return name;
    }

    /**
     * The URL a message is POSTed to: the webhook with {@code messageReplyOption} (so that {@code thread.threadKey}
     * is honoured) and {@code requestId} (so that a retried create returns the first message) added.
     */
    String postUrl(String requestId) {
        return webhookUrl + (webhookUrl.contains("?") ? "&" : "?") + REPLY_OPTION + "&requestId="
                + URLEncoder.encode(requestId, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return name;
    }
}
