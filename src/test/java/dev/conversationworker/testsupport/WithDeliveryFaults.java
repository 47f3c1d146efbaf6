package dev.conversationworker.testsupport;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A delivery-only worker whose spaces misbehave, on topics of its own: {@code stuck} (kind {@code stuck-test}),
 * {@code poison}, {@code flaky} and {@code throttled}, besides the default space (see
 * {@link DeliveryFaultsTestResource} for its quick settings).
 */
public class WithDeliveryFaults implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(WorkerTestResource.class, Map.of("llm", "none")),
                new TestResourceEntry(DeliveryFaultsTestResource.class, Map.of("dead-letters", "kept")));
    }
}
