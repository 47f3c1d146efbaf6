package dev.conversationworker.deploy;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a CNI enforces for one {@code networking.k8s.io/v1} NetworkPolicy, as the Kubernetes documentation defines
 * it: the policy applies to the pods of its own namespace that its {@code podSelector} selects; for a direction in
 * its {@code policyTypes}, traffic is allowed only when some rule admits both the peer and the port. Within one
 * peer, {@code namespaceSelector} and {@code podSelector} must both match; a peer with only a {@code podSelector}
 * means pods of the policy's own namespace; separate peers, and separate rules, are alternatives. A rule without
 * {@code to}/{@code from} admits every peer, one without {@code ports} every port. {@code ipBlock} peers are left
 * out: pods are addressed here by labels, as the worker reaches them (through Services).
 */
public final class NetworkPolicyEvaluator {

    /** A pod as the CNI sees it: its namespace (whose labels include {@code kubernetes.io/metadata.name}). */
    public record Pod(String namespace, Map<String, String> labels) {

        Map<String, String> namespaceLabels() {
            return Map.of("kubernetes.io/metadata.name", namespace);
        }
    }

    private final JsonNode policy;
    private final String namespace;

    /** @param policy a NetworkPolicy as rendered, whose {@code metadata.namespace} is set */
    public NetworkPolicyEvaluator(JsonNode policy) {
        this.policy = policy;
        this.namespace = policy.path("metadata").path("namespace").asText("");
        if (namespace.isEmpty()) {
            throw new IllegalArgumentException("the policy has no namespace: render it from an overlay");
        }
    }

    /** Whether the policy applies to {@code pod} at all. */
    public boolean selects(Pod pod) {
        return pod.namespace().equals(namespace) && LabelSelector.matches(policy.path("spec").path("podSelector"),
                pod.labels());
    }

    /** Whether {@code from}, a pod this policy selects, may open a connection to {@code to} on the port. */
    public boolean allowsEgress(Pod from, Pod to, int port, String protocol) {
        if (!selects(from)) {
            throw new IllegalArgumentException("the policy does not select " + from);
        }
        return !governs("Egress") || admitted(policy.path("spec").path("egress"), "to", to, port, protocol);
    }

    /** Whether {@code from} may open a connection to {@code to}, a pod this policy selects, on the port. */
    public boolean allowsIngress(Pod from, Pod to, int port, String protocol) {
        if (!selects(to)) {
            throw new IllegalArgumentException("the policy does not select " + to);
        }
        return !governs("Ingress") || admitted(policy.path("spec").path("ingress"), "from", from, port, protocol);
    }

    /** policyTypes, or when absent Ingress always and Egress where egress rules are given (the API's default). */
    private boolean governs(String direction) {
        JsonNode types = policy.path("spec").path("policyTypes");
        if (types.isMissingNode() || types.isEmpty()) {
            return direction.equals("Ingress") || policy.path("spec").has("egress");
        }
        for (JsonNode type : types) {
            if (type.asText().equals(direction)) {
                return true;
            }
        }
        return false;
    }

    private boolean admitted(JsonNode rules, String peersField, Pod peer, int port, String protocol) {
        for (JsonNode rule : rules) {
            if (peerAdmitted(rule.path(peersField), peer) && portAdmitted(rule.path("ports"), port, protocol)) {
                return true;
            }
        }
        return false;
    }

    private boolean peerAdmitted(JsonNode peers, Pod pod) {
        if (peers.isMissingNode() || peers.isNull() || peers.isEmpty()) {
            return true;
        }
        for (JsonNode peer : peers) {
            boolean byNamespace = peer.has("namespaceSelector");
            boolean byPod = peer.has("podSelector");
            if (!byNamespace && !byPod) {
                continue; // an ipBlock
            }
            boolean namespaceMatches = byNamespace
                    ? LabelSelector.matches(peer.path("namespaceSelector"), pod.namespaceLabels())
                    : pod.namespace().equals(namespace);
            boolean podMatches = !byPod || LabelSelector.matches(peer.path("podSelector"), pod.labels());
            if (namespaceMatches && podMatches) {
                return true;
            }
        }
        return false;
    }

    private static boolean portAdmitted(JsonNode ports, int port, String protocol) {
        if (ports.isMissingNode() || ports.isNull() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode rule : ports) {
            if (!rule.path("protocol").asText("TCP").equals(protocol)) {
                continue;
            }
            JsonNode number = rule.path("port");
            if (number.isMissingNode()) {
                return true; // every port of the protocol
            }
            if (!number.isInt()) {
                throw new IllegalArgumentException("named port " + number + ": give the worker's rules numbers");
            }
            int last = rule.path("endPort").asInt(number.asInt());
            if (port >= number.asInt() && port <= last) {
                return true;
            }
        }
        return false;
    }
}
