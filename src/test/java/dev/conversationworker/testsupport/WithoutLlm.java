package dev.conversationworker.testsupport;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The worker with no LLM configured: the offline analyzer answers. */
public class WithoutLlm implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(WorkerTestResource.class, Map.of("llm", "none")));
    }
}
