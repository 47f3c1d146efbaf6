package dev.conversationworker.testsupport;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A delivery-only worker ({@code worker.analysis-enabled=false}, {@code delivery.enabled=true}) on notification
 * topics of its own, delivering to a real local {@link GoogleChatSimulator}: the default space and four routed ones
 * ({@code rejects} for kind {@code reject-test}, {@code revoked} for kind {@code revoke-test}, {@code resume} for
 * kind {@code resume-test}, {@code leased} for kind {@code lease-test}). A faster pace than
 * production (20 per second) and a short {@code delivery.max-delay} (5 s), so that a burst makes digests quickly.
 */
public class WithDelivery implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(WorkerTestResource.class, Map.of("llm", "none")),
                new TestResourceEntry(DeliveryTestResource.class));
    }
}
