package dev.conversationworker.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;

import redis.embedded.RedisServer;

/**
 * A real Kafka broker and a real Redis server for tests and the demo, started once per JVM. In order of
 * preference: what {@code KAFKA_BOOTSTRAP_SERVERS} / {@code QUARKUS_REDIS_HOSTS} point at; Testcontainers where a
 * Docker engine answers; otherwise Apache Kafka's own KRaft broker in this JVM and a redis-server child process
 * from the embedded-redis jar.
 */
public final class Infrastructure {

    public static final List<String> TOPICS = List.of("chat-events", "conversation-analyses", "oncall-notifications",
            "chat-events-dlq");
    private static Infrastructure started;

    private final String bootstrapServers;
    private final String redisHosts;
    private final List<AutoCloseable> toStop;
    private final List<Runnable> beforeStop = new CopyOnWriteArrayList<>();
    private boolean stopped;

    private Infrastructure(String bootstrapServers, String redisHosts, List<AutoCloseable> toStop) {
        this.bootstrapServers = bootstrapServers;
        this.redisHosts = redisHosts;
        this.toStop = toStop;
    }

    // Quarkus loads test classes anew for every test profile, so a static field alone would start a broker per
    // profile; the addresses are shared through system properties, which every class loader sees.
    private static final String SHARED_KAFKA = "conversation-worker.test.kafka";
    private static final String SHARED_REDIS = "conversation-worker.test.redis";

    public static synchronized Infrastructure get() {
        if (started == null) {
            String kafka = System.getProperty(SHARED_KAFKA);
            String redis = System.getProperty(SHARED_REDIS);
            if (kafka != null && redis != null) {
                started = new Infrastructure(kafka, redis, List.of());
            } else {
                started = start();
                System.setProperty(SHARED_KAFKA, started.bootstrapServers);
                System.setProperty(SHARED_REDIS, started.redisHosts);
                Runtime.getRuntime().addShutdownHook(new Thread(started::stopAtExit, "infrastructure-stop"));
            }
        }
        return started;
    }

    /** Servers started elsewhere (a broker a test restarts, say): nothing to stop. */
    public static Infrastructure at(String bootstrapServers, String redisHosts) {
        return new Infrastructure(bootstrapServers, redisHosts, List.of());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String redisHosts() {
        return redisHosts;
    }

    /** Creates the worker's topics if missing: the input with {@code inputPartitions}, the others with 2. */
    public void createTopics(int inputPartitions) {
        Map<String, Integer> partitionsByTopic = new LinkedHashMap<>();
        TOPICS.forEach(topic -> partitionsByTopic.put(topic, topic.equals("chat-events") ? inputPartitions : 2));
        createTopics(partitionsByTopic);
    }

    /** Creates the topics that are missing, with the partitions given. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (Map.Entry<String, Integer> entry : partitionsByTopic.entrySet()) {
                String topic = entry.getKey();
                int partitions = entry.getValue();
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic, e);
                    }
                }
            }
            awaitLeaders(admin, partitionsByTopic.keySet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Producing to a partition whose leader is not yet known everywhere can trip the idempotent producer
     * (OUT_OF_ORDER_SEQUENCE, then lost test records); so a new topic is used only once every partition has one.
     */
    private static void awaitLeaders(Admin admin, Collection<String> topics) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                boolean led = admin.describeTopics(topics).allTopicNames().get().values().stream()
                        .flatMap(description -> description.partitions().stream())
                        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (ExecutionException notYet) {
                // metadata not there yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("topics without leaders after 30 s: " + topics);
    }

    private static Infrastructure start() {
        String kafkaFromEnv = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        String redisFromEnv = System.getenv("QUARKUS_REDIS_HOSTS");
        boolean docker = (kafkaFromEnv == null || redisFromEnv == null) && dockerAvailable();
        List<AutoCloseable> toStop = new ArrayList<>();
        String kafka = kafkaFromEnv != null ? kafkaFromEnv : docker ? kafkaContainer(toStop) : kafkaInJvm(toStop);
        String redis = redisFromEnv != null ? redisFromEnv : docker ? redisContainer(toStop) : redisProcess(toStop);
        System.out.printf("[infrastructure] Kafka at %s, Redis at %s%n", kafka, redis);
        return new Infrastructure(kafka, redis, toStop);
    }

    private static boolean dockerAvailable() {
        // Asking Testcontainers where no engine can be logs a scary error; look for one first.
        boolean engineInSight = System.getenv("DOCKER_HOST") != null
                || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"));
        if (Boolean.getBoolean("infrastructure.no-docker") || !engineInSight) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * At JVM exit: child processes and containers are stopped, but the in-JVM broker is only abandoned (its files
     * deleted): closed while the JVM is exiting, it cannot register its own hooks and halts the JVM with status 1,
     * which fails the test run after every test passed.
     */
    private synchronized void stopAtExit() {
        // The abandoned broker can still see its files go and ask Kafka's Exit to halt the JVM with status 1 (a
        // failed log directory), which fails a run whose every test passed (seen once in five full runs). At exit
        // there is nothing left for a halt to protect.
        org.apache.kafka.common.utils.Exit.setHaltProcedure((status, message) -> {
        });
        org.apache.kafka.common.utils.Exit.setExitProcedure((status, message) -> {
        });
        toStop.removeIf(InJvmKafka.class::isInstance);
        stop();
        deleteTree(inJvmKafkaDirectory);
    }

    private static final Path inJvmKafkaDirectory = Path.of(System.getProperty("java.io.tmpdir"),
            "cw-kafka-" + ProcessHandle.current().pid());

    /** Marks the in-JVM broker among the things to stop. */
    private record InJvmKafka(KafkaClusterTestKit cluster) implements AutoCloseable {

        @Override
        public void close() throws Exception {
            cluster.close();
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort, at exit
        }
    }

    // The in-JVM broker logs a lot at INFO; kept here so the configured loggers are not collected.
    private static final List<java.util.logging.Logger> QUIET_LOGGERS = List.of("kafka", "org.apache.kafka",
            "state.change.logger").stream().map(java.util.logging.Logger::getLogger).toList();

    private static String kafkaInJvm(List<AutoCloseable> toStop) {
        QUIET_LOGGERS.forEach(logger -> logger.setLevel(java.util.logging.Level.WARNING));
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBaseDirectory(Files.createDirectories(inJvmKafkaDirectory)).build())
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("auto.create.topics.enable", "true")
                    .setConfigProp("num.partitions", "1")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            toStop.add(new InJvmKafka(cluster));
            return cluster.bootstrapServers();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-JVM Kafka broker", e);
        }
    }

    private static String redisProcess(List<AutoCloseable> toStop) {
        try {
            int port = Ports.freePort();
            RedisServer server = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
            toStop.add(server::stop);
            return "redis://127.0.0.1:" + port;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    private static String kafkaContainer(List<AutoCloseable> toStop) {
        KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.2");
        kafka.start();
        toStop.add(kafka::stop);
        return kafka.getBootstrapServers();
    }

    private static String redisContainer(List<AutoCloseable> toStop) {
        GenericContainer<?> redis = new GenericContainer<>("redis:7").withExposedPorts(6379);
        redis.start();
        toStop.add(redis::stop);
        return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
    }

    public Properties kafkaClientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /** Runs {@code action} before Kafka and Redis go away at exit (e.g. stop a worker that uses them). */
    public void beforeStop(Runnable action) {
        beforeStop.add(action);
    }

    /** Stops what was started, once (the demo and the benchmark call it before they exit). */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        beforeStop.forEach(Runnable::run);
        for (int i = toStop.size() - 1; i >= 0; i--) {
            try {
                toStop.get(i).close();
            } catch (Exception e) {
                System.err.println("[infrastructure] stop failed: " + e);
            }
        }
    }
}
