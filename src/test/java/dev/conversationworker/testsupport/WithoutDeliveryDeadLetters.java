package dev.conversationworker.testsupport;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** As {@link WithDeliveryFaults}, with a dead-letter topic Kafka refuses: no dead letter can be written. */
public class WithoutDeliveryDeadLetters implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(WorkerTestResource.class, Map.of("llm", "none")),
                new TestResourceEntry(DeliveryFaultsTestResource.class, Map.of("dead-letters", "unwritable")));
    }
}
