package dev.conversationworker.pseudonymise;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link Pseudonymiser} of the application, with the configured phone regions. */
class PseudonymiserProducer {

    @Produces
    @Singleton
    Pseudonymiser pseudonymiser(PseudonymiseConfig config) {
        return new Pseudonymiser(config.phoneRegions());
    }
}
