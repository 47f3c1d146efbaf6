package dev.conversationworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.WithDefault;

import dev.conversationworker.deploy.Kustomize;
import dev.conversationworker.deploy.NetworkPolicyEvaluator;
import dev.conversationworker.deploy.NetworkPolicyEvaluator.Pod;
import dev.conversationworker.deploy.PodSecurityRestricted;
import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.ops.ShutdownBudget;

/**
 * The Kubernetes manifests in {@code deploy/} as they are applied: every overlay is rendered ({@code kubectl
 * kustomize}, see {@link Kustomize}) and checked for what an API server and a CNI would enforce — the
 * NetworkPolicy admits the Kafka brokers and Redis where the overlay says they are and nothing else of theirs, the
 * pod passes Pod Security "restricted", KEDA reaches Kafka from its own namespace, the probes ask the worker's
 * health endpoints on its port, and the grace period covers the worker's worst-case shutdown. The files themselves
 * cannot rot either: every one parses, overlays name files that exist, every environment variable is a setting.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> HEALTH_PATHS = Set.of("/q/health/live", "/q/health/ready", "/q/health/started");
    /** Quarkus' own variables that docs/configuration.md does not list as the worker's settings. */
    private static final Set<String> QUARKUS_VARIABLES = Set.of("QUARKUS_PROFILE");
    /** Kubelet's SIGKILL comes after the grace period; the JVM's own exit and a slow node need a little more. */
    private static final Duration GRACE_MARGIN = Duration.ofSeconds(5);
    private static final String NAME = "conversation-worker";
    /** A broker pod of the Strimzi cluster "kafka" (KRaft, node pool "broker"), labelled as Strimzi labels it. */
    private static final Map<String, String> BROKER = Map.of("strimzi.io/cluster", "kafka", "strimzi.io/kind",
            "Kafka", "strimzi.io/name", "kafka-kafka", "strimzi.io/broker-role", "true", "strimzi.io/pool-name",
            "broker", "strimzi.io/component-type", "kafka", "app.kubernetes.io/name", "kafka",
            "app.kubernetes.io/part-of", "strimzi-kafka");
    /** A Redis pod as the common charts label it. */
    private static final Map<String, String> REDIS = Map.of("app.kubernetes.io/name", "redis",
            "app.kubernetes.io/instance", "redis", "app.kubernetes.io/component", "master");
    /** A qualified service address, as resolvable from any namespace: {@code <service>.<namespace>.svc[...]:port}. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc(\\.cluster\\.local)?:(\\d+)");

    /** What is not heap in a worker under S1 (docs/benchmarks.md, "Memory of a worker in its pod"): NMT, MiB. */
    private static final double MEASURED_NON_HEAP_MIB = 180;
    /** A heap S4 (a standing backlog) and HostileInputIT (records of the broker's maximum size) pass with. */
    private static final double PROVEN_HEAP_MIB = 256;

    static List<Path> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(DEPLOY.resolve("overlays"))) {
            return dirs.filter(dir -> Files.exists(dir.resolve("kustomization.yaml"))).sorted().toList();
        }
    }

    static List<Path> prodOverlays() throws IOException {
        List<Path> prod = overlays().stream().filter(dir -> dir.getFileName().toString().startsWith("prod")).toList();
        assertThat(prod).isNotEmpty();
        return prod;
    }

    @Test
    void everyManifestParsesAndEveryOverlayNamesFilesThatExist() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).extracting(Path::toString).contains("deploy/base/kustomization.yaml",
                "deploy/overlays/dev/kustomization.yaml", "deploy/overlays/prod/kustomization.yaml");
        for (Path file : files) {
            assertThat(documents(file)).as(file.toString()).isNotEmpty()
                    .allSatisfy(doc -> assertThat(doc.path("kind").asText()).as("kind in " + file).isNotBlank());
            if (file.getFileName().toString().equals("kustomization.yaml")) {
                JsonNode kustomization = documents(file).get(0);
                for (String list : List.of("resources", "components")) {
                    for (JsonNode resource : kustomization.path(list)) {
                        assertThat(file.resolveSibling(resource.asText())).as(file + " → " + resource).exists();
                    }
                }
                for (JsonNode patch : kustomization.path("patches")) {
                    assertThat(file.resolveSibling(patch.path("path").asText())).as(file + " → patch").exists();
                }
            }
        }
    }

    @Test
    void everyEnvironmentVariableIsASettingOfTheWorker() throws IOException {
        Set<String> known = knownVariables();
        List<String> used = new ArrayList<>();
        for (Path file : yamlFiles()) {
            for (JsonNode doc : documents(file)) {
                if (doc.path("kind").asText().equals("ConfigMap")) {
                    doc.path("data").fieldNames().forEachRemaining(used::add);
                }
                for (JsonNode generator : doc.path("configMapGenerator")) {
                    generator.path("literals").forEach(literal -> used.add(literal.asText().split("=", 2)[0]));
                }
                for (JsonNode container : doc.path("spec").path("template").path("spec").path("containers")) {
                    container.path("env").forEach(env -> used.add(env.path("name").asText()));
                }
            }
        }
        assertThat(used).isNotEmpty().allSatisfy(name -> assertThat(known).as("a setting named " + name)
                .contains(name));
    }

    /** Kafka's and Redis's namespaces are the overlay's; both layouts (with the worker, apart) are covered. */
    @Test
    void theOverlaysPlaceKafkaAndRedisBothInTheWorkersNamespaceAndInOthers() throws IOException {
        Set<Boolean> together = new HashSet<>();
        for (Path overlay : overlays()) {
            Rendered rendered = new Rendered(overlay);
            together.add(rendered.kafkaNamespace().equals(rendered.namespace()));
            together.add(rendered.redisNamespace().equals(rendered.namespace()));
        }
        assertThat(together).as("an overlay with Kafka and Redis beside the worker, and one with them elsewhere")
                .containsExactlyInAnyOrder(true, false);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theNetworkPolicyAdmitsTheBrokersAndRedisWhereTheOverlaySaysAndNothingElseOfTheirs(Path overlay) {
        Rendered rendered = new Rendered(overlay);
        NetworkPolicyEvaluator policy = new NetworkPolicyEvaluator(rendered.resource("NetworkPolicy", NAME));
        Pod broker = new Pod(rendered.kafkaNamespace(), BROKER);
        Pod redis = new Pod(rendered.redisNamespace(), REDIS);
        for (JsonNode deployment : rendered.deployments()) {
            Pod worker = new Pod(rendered.namespace(), podLabels(deployment));
            String of = " for the pods of " + deployment.path("metadata").path("name").asText();
            assertThat(policy.selects(worker)).as("the policy applies" + of).isTrue();
            assertThat(policy.allowsEgress(worker, broker, 9092, "TCP")).as("a broker in " + broker.namespace() + of)
                    .isTrue();
            assertThat(policy.allowsEgress(worker, redis, 6379, "TCP")).as("Redis in " + redis.namespace() + of)
                    .isTrue();
            assertThat(policy.allowsEgress(worker, new Pod("kube-system", Map.of("k8s-app", "kube-dns")), 53,
                    "UDP")).as("DNS" + of).isTrue();
            assertThat(policy.allowsIngress(new Pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus")),
                    worker, 8080, "TCP")).as("Prometheus scraping /q/metrics" + of).isTrue();

            // What the namespaces and labels keep out: look-alikes in another namespace, and the worker itself.
            assertThat(policy.allowsEgress(worker, new Pod("elsewhere", BROKER), 9092, "TCP")).as(of).isFalse();
            assertThat(policy.allowsEgress(worker, new Pod("elsewhere", REDIS), 6379, "TCP")).as(of).isFalse();
            assertThat(policy.allowsEgress(worker, worker, 6379, "TCP")).as(of).isFalse();
            assertThat(policy.allowsEgress(worker, worker, 9092, "TCP")).as(of).isFalse();
            assertThat(policy.allowsIngress(new Pod("elsewhere", Map.of()), worker, 8080, "TCP")).as(of).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyPodPassesPodSecurityRestrictedWithARootFilesystemItCannotWrite(Path overlay) {
        for (JsonNode deployment : new Rendered(overlay).deployments()) {
            String name = deployment.path("metadata").path("name").asText();
            JsonNode template = deployment.path("spec").path("template");
            assertThat(PodSecurityRestricted.violations(template)).as(name).isEmpty();

            JsonNode pod = template.path("spec");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(name + ": service account token")
                    .isFalse();
            JsonNode worker = worker(deployment);
            assertThat(worker.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
            // What the JVM writes (hsperfdata, Vert.x's file cache) goes to java.io.tmpdir: a volume of its own.
            assertThat(worker.path("volumeMounts")).as(name + ": /tmp mounted")
                    .filteredOn(mount -> mount.path("mountPath").asText().equals("/tmp")).singleElement()
                    .satisfies(mount -> assertThat(pod.path("volumes"))
                            .filteredOn(volume -> volume.path("name").asText().equals(mount.path("name").asText()))
                            .singleElement().satisfies(volume -> assertThat(volume.has("emptyDir")).isTrue()));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kedaReachesTheWorkersKafkaByAQualifiedNameAndWatchesItsGroupAndTopic(Path overlay) throws IOException {
        Rendered rendered = new Rendered(overlay);
        JsonNode scaledObject = rendered.resource("ScaledObject", NAME);
        JsonNode target = rendered.resource("Deployment", scaledObject.path("spec").path("scaleTargetRef")
                .path("name").asText());
        assertThat(rendered.effective(target, "WORKER_ANALYSIS_ENABLED")).as("KEDA scales the analysing workers")
                .isNotEqualTo("false");
        JsonNode trigger = scaledObject.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        String bootstrap = trigger.path("metadata").path("bootstrapServers").asText();
        for (String server : bootstrap.split(",")) {
            assertThat(server).as("resolvable from KEDA's namespace").matches(QUALIFIED);
        }
        assertThat(bootstrap).as("the brokers the worker reads from").isEqualTo(rendered.setting(
                "KAFKA_BOOTSTRAP_SERVERS"));
        Properties defaults = applicationProperties();
        assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo(rendered.settingOr(
                "MP_MESSAGING_INCOMING_CHAT_EVENTS_GROUP_ID",
                defaults.getProperty("mp.messaging.incoming.chat-events.group.id")));
        assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo(rendered.settingOr("TOPICS_INPUT",
                defaults.getProperty("topics.input")));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theProbesAskTheWorkersHealthEndpointsAndTheGracePeriodCoversItsShutdown(Path overlay) throws Exception {
        Rendered rendered = new Rendered(overlay);
        // Quarkus' default port unless application.properties sets one.
        int httpPort = Integer.parseInt(applicationProperties().getProperty("quarkus.http.port", "8080"));
        Map<String, String> expected = Map.of("startupProbe", "/q/health/started", "livenessProbe",
                "/q/health/live", "readinessProbe", "/q/health/ready");
        for (JsonNode deployment : rendered.deployments()) {
            String name = deployment.path("metadata").path("name").asText();
            JsonNode worker = worker(deployment);
            Map<String, Integer> ports = new HashMap<>();
            worker.path("ports").forEach(port -> ports.put(port.path("name").asText(), port.path("containerPort")
                    .asInt()));
            expected.forEach((probe, path) -> {
                JsonNode get = worker.path(probe).path("httpGet");
                assertThat(get.path("path").asText()).as(name + " " + probe).isEqualTo(path).isIn(HEALTH_PATHS);
                JsonNode port = get.path("port");
                assertThat(port.isInt() ? port.asInt() : ports.get(port.asText())).as(name + " " + probe + " port")
                        .isEqualTo(httpPort);
            });

            String drain = rendered.effective(deployment, "WORKER_SHUTDOWN_TIMEOUT");
            ShutdownBudget budget = new ShutdownBudget(drain == null
                    ? defaultShutdownTimeout()
                    : DurationConverter.parseDuration(drain));
            long grace = deployment.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds")
                    .asLong(30);
            assertThat(Duration.ofSeconds(grace)).as(name + ": grace period against the worst case " + budget
                    .total()).isGreaterThanOrEqualTo(budget.total().plus(GRACE_MARGIN));
        }
    }

    /**
     * The image gives the heap a share of the container's limit; the rest must hold what is not heap (measured),
     * with room, or the kernel kills the pod while the heap still has space. Request and limit agree.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void everyPodsMemoryHoldsAProvenHeapAndTheMeasuredRest(Path overlay) throws IOException {
        double share = heapPercentage(Path.of("src/main/docker/Dockerfile.jvm")) / 100;
        assertThat(heapPercentage(Path.of("src/main/docker/Dockerfile.build"))).isEqualTo(share * 100);
        for (JsonNode deployment : new Rendered(overlay).deployments()) {
            String name = deployment.path("metadata").path("name").asText();
            JsonNode resources = worker(deployment).path("resources");
            String limit = resources.path("limits").path("memory").asText();
            assertThat(resources.path("requests").path("memory").asText()).as(name + ": request").isEqualTo(limit);
            double mib = mebibytes(limit);
            assertThat(mib * share).as(name + ": heap of a " + limit + " limit").isGreaterThanOrEqualTo(
                    PROVEN_HEAP_MIB);
            assertThat(mib * (1 - share)).as(name + ": room beside the heap").isGreaterThanOrEqualTo(
                    1.5 * MEASURED_NON_HEAP_MIB);
        }
    }

    /** Where an overlay delivers, the webhook must be there: a pod without it would not start. */
    @ParameterizedTest
    @MethodSource("overlays")
    void whereAWorkerDeliversItsWebhookIsRequired(Path overlay) {
        Rendered rendered = new Rendered(overlay);
        for (JsonNode deployment : rendered.deployments()) {
            if ("true".equals(rendered.effective(deployment, "DELIVERY_ENABLED"))) {
                assertThat(worker(deployment).path("env")).filteredOn(env -> env.path("name").asText().equals(
                        "DELIVERY_WEBHOOK_URL")).singleElement().satisfies(
                                webhook -> assertThat(webhook.path(
                                        "valueFrom").path("secretKeyRef").path("optional").asBoolean(false))
                                        .as("the webhook is optional").isFalse());
            }
        }
    }

    /** Compose stops a worker the same way: SIGTERM, then SIGKILL after stop_grace_period. */
    @Test
    void composeGivesTheWorkerItsShutdownToo() throws Exception {
        JsonNode worker = YAML.readTree(Path.of("docker-compose.yml").toFile()).path("services").path("worker");
        JsonNode configured = worker.path("environment").path("WORKER_SHUTDOWN_TIMEOUT");
        ShutdownBudget budget = new ShutdownBudget(configured.isMissingNode()
                ? defaultShutdownTimeout()
                : DurationConverter.parseDuration(configured.asText()));
        assertThat(DurationConverter.parseDuration(worker.path("stop_grace_period").asText("10s")))
                .isGreaterThanOrEqualTo(budget.total().plus(GRACE_MARGIN));
    }

    /** Kafka's host listener is plaintext and unauthenticated: Compose offers it, and the worker, to this host only. */
    @Test
    void composePublishesPortsOnLoopbackOnly() throws IOException {
        JsonNode services = YAML.readTree(Path.of("docker-compose.yml").toFile()).path("services");
        List<String> published = new ArrayList<>();
        services.forEach(service -> service.path("ports").forEach(port -> published.add(port.asText())));
        assertThat(published).isNotEmpty().allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
    }

    /**
     * The API server refuses a Deployment whose selector misses its own pods; two Deployments that select each
     * other's pods fight over them; a Service, PodDisruptionBudget or ServiceMonitor that misses is silent.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void everySelectorSelectsTheWorkersPodsAndNoDeploymentAnothers(Path overlay) {
        Rendered rendered = new Rendered(overlay);
        Map<String, String> service = labels(rendered.resource("Service", NAME).path("spec").path("selector"));
        Map<String, String> budget = labels(rendered.resource("PodDisruptionBudget", NAME).path("spec")
                .path("selector").path("matchLabels"));
        for (JsonNode deployment : rendered.deployments()) {
            Map<String, String> pod = podLabels(deployment);
            assertThat(pod).containsAllEntriesOf(labels(deployment.path("spec").path("selector").path("matchLabels")))
                    .containsAllEntriesOf(service).containsAllEntriesOf(budget);
            for (JsonNode other : rendered.deployments()) {
                if (other != deployment) {
                    assertThat(podLabels(other).entrySet().containsAll(labels(deployment.path("spec")
                            .path("selector").path("matchLabels")).entrySet()))
                            .as("pods of " + other.path("metadata").path("name").asText() + " selected").isFalse();
                }
            }
        }
        for (JsonNode resource : rendered.resources()) {
            if (resource.path("kind").asText().equals("ServiceMonitor")) {
                assertThat(labels(rendered.resource("Service", NAME).path("metadata").path("labels")))
                        .containsAllEntriesOf(labels(resource.path("spec").path("selector").path("matchLabels")));
            }
        }
    }

    /** Prod (and its variants) monitors and delivers: its dashboard is JSON Grafana can load, on-call hears. */
    @ParameterizedTest
    @MethodSource("prodOverlays")
    void prodRendersWithItsMonitoringAndDelivers(Path overlay) throws IOException {
        Rendered prod = new Rendered(overlay);
        assertThat(prod.resources()).extracting(r -> r.path("kind").asText()).contains("ServiceMonitor",
                "PrometheusRule");
        String dashboard = prod.resource("ConfigMap", "conversation-worker-dashboard").path("data")
                .path("conversation-worker.json").asText();
        assertThat(new ObjectMapper().readTree(dashboard).path("panels")).isNotEmpty();
        assertThat(prod.deployments()).as("a worker that delivers to Google Chat").anySatisfy(
                deployment -> assertThat(prod.effective(deployment, "DELIVERY_ENABLED")).isEqualTo("true"));
    }

    private static double heapPercentage(Path dockerfile) throws IOException {
        Matcher option = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(Files.readString(dockerfile));
        assertThat(option.find()).as("MaxRAMPercentage in " + dockerfile).isTrue();
        return Double.parseDouble(option.group(1));
    }

    /** A Kubernetes memory quantity (binary Ki/Mi/Gi or decimal k/M/G suffixes, or bytes) in MiB. */
    private static double mebibytes(String quantity) {
        Matcher parts = Pattern.compile("([0-9.]+)([KMGT]i?|k)?").matcher(quantity);
        assertThat(parts.matches()).as("memory quantity " + quantity).isTrue();
        String suffix = parts.group(2) == null ? "" : parts.group(2);
        double factor = switch (suffix) {
            case "Ki" -> 1024.0;
            case "Mi" -> 1024.0 * 1024;
            case "Gi" -> 1024.0 * 1024 * 1024;
            case "Ti" -> 1024.0 * 1024 * 1024 * 1024;
            case "k", "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "T" -> 1e12;
            default -> 1;
        };
        return Double.parseDouble(parts.group(1)) * factor / (1024 * 1024);
    }

    private static Duration defaultShutdownTimeout() throws NoSuchMethodException {
        return DurationConverter.parseDuration(WorkerConfig.class.getMethod("shutdownTimeout")
                .getAnnotation(WithDefault.class).value());
    }

    private static JsonNode worker(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    private static Map<String, String> podLabels(JsonNode deployment) {
        return labels(deployment.path("spec").path("template").path("metadata").path("labels"));
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.fields().forEachRemaining(label -> labels.put(label.getKey(), label.getValue().asText()));
        return labels;
    }

    /** One overlay as rendered, and what the worker in it is told. */
    private record Rendered(Path overlay, List<JsonNode> resources) {

        Rendered(Path overlay) {
            this(overlay, Kustomize.render(overlay));
        }

        JsonNode resource(String kind, String name) {
            return Kustomize.find(resources, kind, name);
        }

        List<JsonNode> deployments() {
            List<JsonNode> deployments = resources.stream().filter(r -> r.path("kind").asText().equals("Deployment"))
                    .toList();
            assertThat(deployments).as("Deployments of " + overlay).isNotEmpty();
            return deployments;
        }

        String namespace() {
            return resource("Deployment", NAME).path("metadata").path("namespace").asText();
        }

        /** A variable as the worker of {@code deployment} sees it: its own env first, then the ConfigMap. */
        String effective(JsonNode deployment, String name) {
            for (JsonNode env : worker(deployment).path("env")) {
                if (env.path("name").asText().equals(name) && env.has("value")) {
                    return env.path("value").asText();
                }
            }
            return settingOr(name, null);
        }

        String setting(String name) {
            String value = settingOr(name, null);
            assertThat(value).as(name + " in the ConfigMap of " + overlay).isNotNull();
            return value;
        }

        String settingOr(String name, String otherwise) {
            JsonNode value = resource("ConfigMap", NAME).path("data").path(name);
            return value.isMissingNode() ? otherwise : value.asText();
        }

        String kafkaNamespace() {
            return namespaceOf(setting("KAFKA_BOOTSTRAP_SERVERS").split(",")[0]);
        }

        String redisNamespace() {
            return namespaceOf(setting("QUARKUS_REDIS_HOSTS").split(",")[0].replaceFirst("^rediss?://", ""));
        }

        private String namespaceOf(String address) {
            Matcher qualified = QUALIFIED.matcher(address);
            assertThat(qualified.matches()).as(address + " in " + overlay + " is <service>.<namespace>.svc:port")
                    .isTrue();
            return qualified.group(2);
        }
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return docs.readAll().stream().filter(doc -> doc != null && !doc.isEmpty()).toList();
        }
    }

    /** The worker's settings as environment variables: its application.properties and docs/configuration.md. */
    private static Set<String> knownVariables() throws IOException {
        Set<String> keys = new HashSet<>();
        Properties properties = applicationProperties();
        properties.stringPropertyNames().forEach(key -> keys.add(key.replaceFirst("^%[a-z]+\\.", "")));
        Set<String> variables = new HashSet<>(QUARKUS_VARIABLES);
        // Variables a property reads by name, as in ${OTEL_EXPORTER_OTLP_ENDPOINT: }.
        Pattern reference = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
        for (String key : properties.stringPropertyNames()) {
            for (Matcher name = reference.matcher(properties.getProperty(key)); name.find();) {
                variables.add(name.group(1));
            }
        }
        // The first cell of each row of the configuration table: `a.b.c` / `.d` / `a.b.e` (".d" is a sibling of c).
        Matcher firstCell = Pattern.compile("(?m)^\\| (`[a-z.][^|]*)\\|").matcher(Files.readString(Path.of(
                "docs/configuration.md")));
        Pattern token = Pattern.compile("`([a-z.][a-z0-9.-]+)`");
        while (firstCell.find()) {
            String parent = "";
            for (Matcher key = token.matcher(firstCell.group(1)); key.find();) {
                String name = key.group(1);
                if (name.startsWith(".")) {
                    keys.add(parent + name.substring(1));
                } else {
                    keys.add(name);
                    parent = name.substring(0, name.lastIndexOf('.') + 1);
                }
            }
        }
        keys.forEach(key -> variables.add(key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
        return variables;
    }
}
