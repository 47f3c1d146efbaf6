package dev.conversationworker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.conversationworker.deploy.NetworkPolicyEvaluator.Pod;

/** The evaluator enforces what a CNI does, proven on hand-written policies, the faulty ones of issue 19 among them. */
class NetworkPolicyEvaluatorTest {

    private static final Map<String, String> WORKER = Map.of("app.kubernetes.io/name", "conversation-worker",
            "app.kubernetes.io/part-of", "conversation-worker");
    private static final Map<String, String> BROKER = Map.of("strimzi.io/cluster", "kafka", "strimzi.io/kind",
            "Kafka");
    private static final Map<String, String> REDIS = Map.of("app.kubernetes.io/name", "redis");
    private static final Pod WORKER_POD = new Pod("cw", WORKER);

    /** The policy kustomize rendered with includeSelectors: true — its own labels ANDed into every peer. */
    @Test
    void peersRewrittenWithTheWorkersLabelsAdmitNeitherKafkaNorRedisButTheWorkerItself() throws Exception {
        NetworkPolicyEvaluator policy = policy("""
                podSelector:
                  matchLabels: {app.kubernetes.io/name: conversation-worker,
                                app.kubernetes.io/part-of: conversation-worker}
                policyTypes: [Ingress, Egress]
                egress:
                  - to:
                      - podSelector:
                          matchLabels: {strimzi.io/cluster: kafka, app.kubernetes.io/name: conversation-worker,
                                        app.kubernetes.io/part-of: conversation-worker}
                    ports: [{port: 9092}]
                  - to:
                      - podSelector:
                          matchLabels: {app.kubernetes.io/name: conversation-worker,
                                        app.kubernetes.io/part-of: conversation-worker}
                    ports: [{port: 6379}]
                """);
        assertThat(policy.allowsEgress(WORKER_POD, new Pod("cw", BROKER), 9092, "TCP")).isFalse();
        assertThat(policy.allowsEgress(WORKER_POD, new Pod("cw", REDIS), 6379, "TCP")).isFalse();
        assertThat(policy.allowsEgress(WORKER_POD, WORKER_POD, 6379, "TCP")).isTrue();
    }

    @Test
    void aPeerWithOnlyAPodSelectorMeansThePolicysOwnNamespace() throws Exception {
        NetworkPolicyEvaluator policy = egressOfEveryPod("""
                  - to: [{podSelector: {matchLabels: {app.kubernetes.io/name: redis}}}]
                    ports: [{port: 6379}]
                """);
        assertThat(policy.allowsEgress(WORKER_POD, new Pod("cw", REDIS), 6379, "TCP")).isTrue();
        assertThat(policy.allowsEgress(WORKER_POD, new Pod("redis", REDIS), 6379, "TCP")).isFalse();
    }

    @Test
    void namespaceAndPodSelectorsInOnePeerMustBothMatchAndSeparatePeersAreAlternatives() throws Exception {
        NetworkPolicyEvaluator together = egressOfEveryPod("""
                  - to:
                      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kafka}}
                        podSelector: {matchLabels: {strimzi.io/kind: Kafka}}
                """);
        assertThat(together.allowsEgress(WORKER_POD, new Pod("kafka", BROKER), 9092, "TCP")).isTrue();
        assertThat(together.allowsEgress(WORKER_POD, new Pod("kafka", REDIS), 9092, "TCP")).isFalse();
        assertThat(together.allowsEgress(WORKER_POD, new Pod("other", BROKER), 9092, "TCP")).isFalse();

        NetworkPolicyEvaluator apart = egressOfEveryPod("""
                  - to:
                      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kafka}}
                      - podSelector: {matchLabels: {strimzi.io/kind: Kafka}}
                """);
        assertThat(apart.allowsEgress(WORKER_POD, new Pod("kafka", REDIS), 9092, "TCP")).isTrue();
        assertThat(apart.allowsEgress(WORKER_POD, new Pod("cw", BROKER), 9092, "TCP")).isTrue();
        assertThat(apart.allowsEgress(WORKER_POD, new Pod("other", BROKER), 9092, "TCP")).isFalse();
    }

    @Test
    void portsProtocolsAndExpressionsAreEnforced() throws Exception {
        NetworkPolicyEvaluator policy = policy("""
                podSelector:
                  matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [conversation-worker]}]
                policyTypes: [Egress]
                egress:
                  - ports: [{port: 53, protocol: UDP}]
                  - to:
                      - namespaceSelector:
                          matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [secret]}]
                    ports: [{port: 8000, endPort: 8100}]
                """);
        Pod anywhere = new Pod("any", Map.of());
        assertThat(policy.allowsEgress(WORKER_POD, anywhere, 53, "UDP")).isTrue();
        assertThat(policy.allowsEgress(WORKER_POD, anywhere, 53, "TCP")).isFalse();
        assertThat(policy.allowsEgress(WORKER_POD, anywhere, 8080, "TCP")).isTrue();
        assertThat(policy.allowsEgress(WORKER_POD, anywhere, 8101, "TCP")).isFalse();
        assertThat(policy.allowsEgress(WORKER_POD, new Pod("secret", Map.of()), 8080, "TCP")).isFalse();
        assertThat(policy.selects(new Pod("cw", Map.of("app.kubernetes.io/name", "other")))).isFalse();
        assertThat(policy.selects(new Pod("elsewhere", WORKER))).as("only its own namespace").isFalse();
    }

    @Test
    void aDirectionNotInPolicyTypesIsNotRestricted() throws Exception {
        NetworkPolicyEvaluator ingressOnly = policy("""
                podSelector: {}
                policyTypes: [Ingress]
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
                    ports: [{port: 8080}]
                """);
        assertThat(ingressOnly.allowsEgress(WORKER_POD, new Pod("x", Map.of()), 1234, "TCP")).isTrue();
        assertThat(ingressOnly.allowsIngress(new Pod("monitoring", Map.of()), WORKER_POD, 8080, "TCP")).isTrue();
        assertThat(ingressOnly.allowsIngress(new Pod("x", Map.of()), WORKER_POD, 8080, "TCP")).isFalse();
        assertThat(ingressOnly.allowsIngress(new Pod("monitoring", Map.of()), WORKER_POD, 9090, "TCP")).isFalse();
    }

    /** A policy on every pod of its namespace that allows only the given egress rules. */
    private static NetworkPolicyEvaluator egressOfEveryPod(String rules) throws Exception {
        return policy("""
                podSelector: {}
                policyTypes: [Egress]
                egress:
                """ + rules);
    }

    private static NetworkPolicyEvaluator policy(String spec) throws Exception {
        JsonNode policy = new YAMLMapper().readTree("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: p, namespace: cw}
                spec:
                """ + spec.indent(2));
        return new NetworkPolicyEvaluator(policy);
    }
}
