package dev.conversationworker.delivery;

import io.smallrye.mutiny.Uni;

/** A Redis failure of a delivery step, logged as such (CW0709). */
final class DeliveryRedisFailure extends RuntimeException {

    private DeliveryRedisFailure(Throwable cause) {
        super(cause.getMessage(), cause);
    }

    /** The call, its failure marked as Redis's. */
    static <T> Uni<T> marked(Uni<T> call) {
        return call.onFailure().transform(DeliveryRedisFailure::new);
    }
}
