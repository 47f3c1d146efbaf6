package dev.conversationworker.notification;

import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.model.AnalysisRecord;

/**
 * At most one attention notification per conversation per {@code notify.attention-window}, across instances: the
 * model decides {@code needsAttention}, so without this a single customer could page on-call at will, message after
 * message. Later ones in the window are suppressed and counted. Failed-analysis notifications do not pass here.
 */
final class AttentionWindow {

    private final AttentionClaims claims;
    private final Runnable onSuppressed;

    AttentionWindow(AttentionClaims claims, Runnable onSuppressed) {
        this.claims = claims;
        this.onSuppressed = onSuppressed;
    }

    /**
     * Publishes the analysis's attention notification if it may page now. If publishing fails the claim is given
     * back, so the retry of the record pages instead of being suppressed by its own first attempt.
     */
    Uni<Void> pageOnce(AnalysisRecord analysis, Supplier<Uni<Void>> publish) {
        return claims.claim(analysis.conversationId(), analysis.analysisId()).chain(mayPage -> {
            if (!mayPage) {
                onSuppressed.run();
                return Uni.createFrom().voidItem();
            }
            return publish.get().onFailure().call(() -> claims.release(analysis.conversationId(),
                    analysis.analysisId()).onFailure().recoverWithNull());
        });
    }
}
