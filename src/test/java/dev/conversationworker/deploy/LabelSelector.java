package dev.conversationworker.deploy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions}, all ANDed; empty selects all). */
final class LabelSelector {

    private LabelSelector() {
    }

    static boolean matches(JsonNode selector, Map<String, String> labels) {
        var wanted = selector.path("matchLabels").fields();
        while (wanted.hasNext()) {
            var label = wanted.next();
            if (!label.getValue().asText().equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(value -> values.add(value.asText()));
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new IllegalArgumentException("operator of " + expression);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
