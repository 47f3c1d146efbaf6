package dev.conversationworker.model;

/**
 * The record can never be processed as it is (poison): it goes to the dead-letter topic with this message as the
 * reason. Anything else that fails is retried.
 */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message, null, false, false);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
