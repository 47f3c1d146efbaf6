package dev.conversationworker.analysis;

/** A complete HTTP answer: status, the two retry headers we honour, and the body. */
record HttpReply(int status, String retryAfter, String retryAfterMs, String body) {
}
