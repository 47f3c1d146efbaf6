package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;

/** {@link LlmConfig} with the defaults, fast retries and a body cap of the test's choosing, for tests without CDI. */
record TestLlmConfig(long maxResponseBytesValue) implements LlmConfig {

    @Override
    public Endpoint primary() {
        return endpoint();
    }

    @Override
    public Endpoint fallback() {
        return endpoint();
    }

    @Override
    public Duration hedgeDelay() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Duration deadline() {
        return Duration.ofSeconds(20);
    }

    @Override
    public Duration connectTimeout() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration requestTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public MemorySize maxResponseBytes() {
        return new MemorySize(java.math.BigInteger.valueOf(maxResponseBytesValue));
    }

    @Override
    public int maxConnections() {
        return 16;
    }

    @Override
    public int maxCompletionTokens() {
        return 800;
    }

    @Override
    public double temperature() {
        return 0;
    }

    @Override
    public Retry retry() {
        return new Retry() {

            @Override
            public int maxAttempts() {
                return 3;
            }

            @Override
            public Duration initialBackoff() {
                return Duration.ofMillis(10);
            }

            @Override
            public Duration maxBackoff() {
                return Duration.ofMillis(50);
            }

            @Override
            public Duration maxRetryAfter() {
                return Duration.ofMillis(100);
            }
        };
    }

    @Override
    public Circuit circuit() {
        return new Circuit() {

            @Override
            public int failureThreshold() {
                return 100;
            }

            @Override
            public Duration openFor() {
                return Duration.ofSeconds(30);
            }
        };
    }

    private static Endpoint endpoint() {
        return new Endpoint() {

            @Override
            public Optional<String> baseUrl() {
                return Optional.empty();
            }

            @Override
            public Optional<String> apiKey() {
                return Optional.empty();
            }

            @Override
            public Optional<String> model() {
                return Optional.empty();
            }

            @Override
            public ResponseFormat responseFormat() {
                return ResponseFormat.json_schema;
            }

            @Override
            public int maxConcurrency() {
                return 16;
            }
        };
    }
}
