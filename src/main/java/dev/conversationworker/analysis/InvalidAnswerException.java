package dev.conversationworker.analysis;

/** The LLM answered, but not with a valid result (bad JSON, schema violation, refusal, cut off). */
public class InvalidAnswerException extends RuntimeException {

    public InvalidAnswerException(String message) {
        super(message, null, true, false);
    }
}
