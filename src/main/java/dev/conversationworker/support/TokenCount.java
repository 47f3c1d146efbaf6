package dev.conversationworker.support;

import java.util.Locale;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * The tokens of a text or a chat prompt as an OpenAI model counts them, with its own tokenizer ({@code o200k_base}
 * for the gpt-4o family and its successors, {@code cl100k_base} otherwise): what a call whose usage never came back
 * is billed, what a budget reserves, and how a conversation is cut to {@code formatting.max-prompt-tokens}. Messages are counted as OpenAI's cookbook does: 3 tokens per message, its role and content, and 3 that
 * prime the answer. The response format's schema is not counted (providers do not say how they count it).
 */
public final class TokenCount {

    /**
     * The primary LLM's model when {@code llm.primary.model} is unset: the model analysis calls, and whose tokenizer
     * formatting cuts the prompt with.
     */
    public static final String DEFAULT_MODEL = "gpt-4o-mini";

    /** Loads an encoding's vocabulary (a few MB) only when a model needs it. */
    private static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();
    private static final int PER_MESSAGE = 3;
    private static final int ANSWER_PRIMING = 3;

    private final Encoding encoding;
    /** The last system message counted, with its tokens (as a message): it is the same for every request. */
    private volatile Counted lastSystem;

    private TokenCount(Encoding encoding) {
        this.encoding = encoding;
    }

    public static TokenCount forModel(String model) {
        return new TokenCount(ENCODINGS.getEncoding(encodingOf(model)));
    }

    static EncodingType encodingOf(String model) {
        String name = model == null ? "" : model.toLowerCase(Locale.ROOT);
        int slash = name.lastIndexOf('/'); // "openai/gpt-4o" on routers
        name = name.substring(slash + 1);
        boolean o200k = name.startsWith("gpt-4o") || name.startsWith("gpt-4.1") || name.startsWith("gpt-4.5")
                || name.startsWith("gpt-5") || name.startsWith("chatgpt-4o") || name.matches("^o[1-9]\\b.*");
        return o200k ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE;
    }

    /** The prompt tokens of a chat request with these two messages. */
    public int chatPromptTokens(String system, String user) {
        return ANSWER_PRIMING + message("system", system) + message("user", user);
    }

    private int message(String role, String content) {
        return PER_MESSAGE + of(role) + of(content);
    }

    /** Special tokens in customer text ({@code <|endoftext|>}) are counted as ordinary text, as the API does. */
    public int of(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }

    /**
     * At least as many as any byte-level BPE tokenizer gives {@code text}, without running one: its UTF-8 length
     * (a token is at least one byte), computed without encoding; a lone surrogate counts 3 bytes, as much as a
     * tokenizer may give it. A microsecond per kilobyte, where counting takes a hundred.
     */
    public static long atMost(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * At least the prompt tokens of a chat request with these two messages ({@link #chatPromptTokens}), cheaply: the
     * system message, the same for every request, is counted once and remembered; the user message is bounded by
     * {@link #atMost}.
     */
    public long chatPromptTokensAtMost(String system, String user) {
        Counted known = lastSystem;
        if (known == null || !known.text().equals(system)) {
            known = new Counted(system, message("system", system));
            lastSystem = known;
        }
        return ANSWER_PRIMING + known.tokens() + PER_MESSAGE + of("user") + atMost(user == null ? "" : user);
    }

    /** A text and its tokens. */
    private record Counted(String text, int tokens) {
    }
}
