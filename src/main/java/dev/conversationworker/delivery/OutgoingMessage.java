package dev.conversationworker.delivery;

import java.util.List;

/**
 * One message to POST and the notifications held here that it settles.
 *
 * @param resumed the message was begun before (here or elsewhere) and is sent again as it was
 */
record OutgoingMessage(List<Pending> covered, SendingUnit message, boolean resumed) {

    boolean digest() {
        return message.digest();
    }
}
