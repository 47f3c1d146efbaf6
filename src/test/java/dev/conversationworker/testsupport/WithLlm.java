package dev.conversationworker.testsupport;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The worker with a real local LLM simulator as primary and fallback. */
public class WithLlm implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(WorkerTestResource.class));
    }
}
