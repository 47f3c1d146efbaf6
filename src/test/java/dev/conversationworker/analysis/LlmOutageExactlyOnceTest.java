package dev.conversationworker.analysis;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link LlmOutageTest} again with {@code worker.delivery-guarantee=exactly-once}: the analyses that waited out the
 * outage are published later, each in a transaction of its own, and each still arrives once (read committed).
 */
@QuarkusTest
@TestProfile(LlmOutageExactlyOnceTest.OutageExactlyOnce.class)
class LlmOutageExactlyOnceTest extends LlmOutageTest {

    public static class OutageExactlyOnce extends Outage {

        private static final String KEY_PREFIX = "cw-outage-eo-" + System.nanoTime();

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("worker.delivery-guarantee", "exactly-once");
            overrides.put("history.key-prefix", KEY_PREFIX);
            return overrides;
        }
    }
}
