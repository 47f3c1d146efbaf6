package dev.conversationworker.idle;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link IdleAndProgressTest} again with {@code worker.delivery-guarantee=exactly-once}: an idle
 * analysis commits in a transaction of its own, a progress analysis with its message's offset; each still arrives
 * once (read committed).
 */
@QuarkusTest
@TestProfile(IdleAndProgressExactlyOnceTest.ShortIdleExactlyOnce.class)
class IdleAndProgressExactlyOnceTest extends IdleAndProgressTest {

    public static class ShortIdleExactlyOnce extends ShortIdle {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("worker.delivery-guarantee", "exactly-once");
            overrides.put("history.key-prefix", "cw-idle-eo-" + System.nanoTime());
            return overrides;
        }
    }
}
