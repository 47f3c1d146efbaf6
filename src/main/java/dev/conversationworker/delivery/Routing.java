package dev.conversationworker.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which space a record goes to, by its {@code severity} and {@code kind} headers: the first named route, in the
 * order of the names, whose severities and kinds (each unset = any) both match; else the default space. Pure.
 */
final class Routing {

    /** A named route: what it takes ({@code null} list = any) and its space. */
    record Route(String space, List<String> severities, List<String> kinds) {

        boolean takes(String severity, String kind) {
            if (severities == null && kinds == null) {
                return false;
            }
            return matches(severities, severity) && matches(kinds, kind);
        }

        private static boolean matches(List<String> allowed, String value) {
            return allowed == null || (value != null && allowed.contains(value.toLowerCase(Locale.ROOT)));
        }
    }

    private final String defaultSpace;
    private final List<Route> routes;

    Routing(String defaultSpace, List<Route> routes) {
        this.defaultSpace = defaultSpace;
        this.routes = List.copyOf(routes);
    }

    static Routing of(DeliveryConfig config) {
        List<Route> routes = new ArrayList<>();
        new TreeMap<>(config.spaces()).forEach((name, space) -> routes.add(new Route(name,
                lower(space.severities()), lower(space.kinds()))));
        return new Routing(config.defaultSpace(), routes);
    }

    private static List<String> lower(Optional<List<String>> values) {
        return values.map(list -> list.stream().map(v -> v.strip().toLowerCase(Locale.ROOT)).toList()).orElse(null);
    }

    String spaceFor(String severity, String kind) {
        for (Route route : routes) {
            if (route.takes(severity, kind)) {
                return route.space();
            }
        }
        return defaultSpace;
    }

    /** Every space a record can go to: the default first. */
    static Map<String, Space> spaces(DeliveryConfig config) {
        Map<String, Space> spaces = new java.util.LinkedHashMap<>();
        spaces.put(config.defaultSpace(), new Space(config.defaultSpace(), config.webhookUrl().orElseThrow(
                () -> new IllegalStateException("delivery.enabled=true needs delivery.webhook-url "
                        + "(DELIVERY_WEBHOOK_URL)"))));
        config.spaces().forEach((name, space) -> spaces.put(name, new Space(name, space.webhookUrl())));
        return spaces;
    }
}
