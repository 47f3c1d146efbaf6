package dev.conversationworker.pseudonymise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens for a history stored already pseudonymised: {@code ⟦EMAIL:0123456789ab⟧}, the first 12 hex characters (48
 * bits) of HMAC-SHA256 over the kind and the canonical value. The same value gives the same token in every message
 * and on every instance sharing the key, so placeholders can still be numbered per conversation when the history is
 * read back; without the key a token cannot be reversed by trying likely values (phone numbers are few).
 */
final class KeyedTokens {

    static final Pattern TOKEN = Pattern.compile("⟦([A-Z_]+):([0-9a-f]{12})⟧");
    private static final String ALGORITHM = "HmacSHA256";
    private static final int HEX_CHARS = 12;

    private final Mac mac;

    KeyedTokens(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("the key of stored tokens is empty");
        }
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    String token(PiiKind kind, String canonical) {
        byte[] digest = mac.doFinal((kind.wireName() + ":" + canonical).getBytes(StandardCharsets.UTF_8));
        return "⟦" + kind.label() + ":" + HexFormat.of().formatHex(digest).substring(0, HEX_CHARS) + "⟧";
    }
}
