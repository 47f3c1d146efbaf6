package dev.conversationworker.notification;

import io.smallrye.mutiny.Uni;

/**
 * Who may page on-call for a conversation in the current attention window. A claim is held by an analysis id, so a
 * redelivered trigger (same id) may page again — its notification carries the same {@code dedupe-key} — while a
 * new analysis of the conversation may not until the window has passed.
 */
interface AttentionClaims {

    /** True when {@code analysisId} holds (or now took) the conversation's claim for the window. */
    Uni<Boolean> claim(String conversationId, String analysisId);

    /** Gives a claim back (its notification could not be published), so that a retry is not suppressed. */
    Uni<Void> release(String conversationId, String analysisId);
}
