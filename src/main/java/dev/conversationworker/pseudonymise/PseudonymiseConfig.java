package dev.conversationworker.pseudonymise;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Personal data in customer text: replaced before any prompt, and optionally before it is stored. */
@ConfigMapping(prefix = "pseudonymise")
public interface PseudonymiseConfig {

    /**
     * Replace personal data with placeholders before every LLM call (on by default). Off sends customer text as it
     * was typed; the analysis record then says {@code "status": "off"}.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Put the original values back into the analysis record's texts (summary, questions), never into notifications
     * or logs. Off by default; with it on, waiting analyses keep the values in Redis until they are published.
     */
    @WithDefault("false")
    boolean restoreInAnalysis();

    /**
     * Store customer messages in Redis already pseudonymised (keyed-hash tokens instead of values), for an operator
     * who wants no raw text there. Needs {@code pseudonymise.history-key}; cannot be combined with restoring.
     */
    @WithDefault("false")
    boolean inHistory();

    /**
     * The secret key of the tokens in a pseudonymised history (at least 32 characters; from the environment,
     * {@code PSEUDONYMISE_HISTORY_KEY}): every instance must share it, so one value gets one token. Never logged.
     */
    Optional<String> historyKey();

    /** Regions (ISO 3166 codes) whose national phone formats are recognised; international ones always are. */
    @WithDefault("US,GB,CA,AU,NZ,IE,IN,SG,PH,VN")
    List<String> phoneRegions();
}
