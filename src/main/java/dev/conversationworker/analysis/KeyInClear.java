package dev.conversationworker.analysis;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a configured API key would cross the network unencrypted: plain {@code http://} to a host that is not
 * this machine. A local model server or a sidecar proxy on loopback is fine; anything else is worth a warning at
 * start-up ({@code CW0303}). Decided from the URL text only: no name is resolved (start-up must not block on
 * DNS, and a name that resolves to loopback today may not tomorrow).
 */
final class KeyInClear {

    private KeyInClear() {
    }

    static boolean wouldBeSent(String url, String apiKey) {
        if (apiKey == null || apiKey.isBlank() || url == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return false; // not a URL we could call at all; the call itself will say so
        }
        return "http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost());
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || isIpv4Loopback(h);
    }

    /** 127.0.0.0/8, written as four decimal numbers. */
    private static boolean isIpv4Loopback(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
