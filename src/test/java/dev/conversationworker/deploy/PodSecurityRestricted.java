package dev.conversationworker.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Pod Security Standards' "restricted" profile (which includes "baseline"), rule by rule as the Kubernetes
 * documentation lists them, checked on a pod template the way the API server's admission checks a pod of a
 * namespace labelled {@code pod-security.kubernetes.io/enforce: restricted}. Every container list counts
 * (containers, initContainers, ephemeralContainers).
 */
public final class PodSecurityRestricted {

    private static final Set<String> VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
            "ephemeral", "persistentVolumeClaim", "projected", "secret");
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
            "container_engine_t");
    /** Allowed seccomp and AppArmor profile types. */
    private static final Set<String> PROFILE_TYPES = Set.of("RuntimeDefault", "Localhost");
    private static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

    private PodSecurityRestricted() {
    }

    /** What admission would refuse, one line per rule broken; empty when the pod is admitted. */
    public static List<String> violations(JsonNode podTemplate) {
        JsonNode spec = podTemplate.path("spec");
        JsonNode pod = spec.path("securityContext");
        List<String> found = new ArrayList<>();
        List<JsonNode> containers = new ArrayList<>();
        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
            spec.path(list).forEach(containers::add);
        }

        // Baseline.
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (spec.path(host).asBoolean(false)) {
                found.add("host namespaces: " + host + " is true");
            }
        }
        checkWindowsAndSeLinux(pod, "pod", found);
        if (pod.has("seccompProfile") && !PROFILE_TYPES.contains(pod.path("seccompProfile").path("type").asText())) {
            found.add("seccomp: pod profile " + pod.path("seccompProfile").path("type").asText());
        }
        checkAppArmor(pod, "pod", found);
        podTemplate.path("metadata").path("annotations").fields().forEachRemaining(annotation -> {
            String value = annotation.getValue().asText();
            if (annotation.getKey().startsWith(APPARMOR_ANNOTATION) && !value.equals("runtime/default")
                    && !value.startsWith("localhost/")) {
                found.add("AppArmor: " + annotation.getKey() + " is " + value);
            }
        });
        for (JsonNode sysctl : pod.path("sysctls")) {
            if (!SAFE_SYSCTLS.contains(sysctl.path("name").asText())) {
                found.add("sysctls: " + sysctl.path("name").asText() + " is not a safe sysctl");
            }
        }
        for (JsonNode volume : spec.path("volumes")) {
            List<String> types = new ArrayList<>();
            volume.fieldNames().forEachRemaining(types::add);
            types.remove("name");
            if (types.size() != 1 || !VOLUME_TYPES.contains(types.get(0))) {
                found.add("volume types: " + volume.path("name").asText() + " is " + types);
            }
        }

        // Restricted, at pod level.
        boolean podNonRoot = pod.path("runAsNonRoot").asBoolean(false);
        boolean podSeccomp = PROFILE_TYPES.contains(pod.path("seccompProfile").path("type").asText());
        if (pod.has("runAsUser") && pod.path("runAsUser").asLong() == 0) {
            found.add("non-root user: pod runAsUser is 0");
        }

        for (JsonNode container : containers) {
            String name = "container " + container.path("name").asText();
            JsonNode context = container.path("securityContext");
            if (context.path("privileged").asBoolean(false)) {
                found.add("privileged: " + name);
            }
            checkWindowsAndSeLinux(context, name, found);
            checkAppArmor(context, name, found);
            if (context.has("procMount") && !context.path("procMount").asText().equals("Default")) {
                found.add("/proc mount: " + name + " " + context.path("procMount").asText());
            }
            for (JsonNode port : container.path("ports")) {
                if (port.path("hostPort").asInt(0) != 0) {
                    found.add("host ports: " + name + " hostPort " + port.path("hostPort").asInt());
                }
            }
            if (!context.path("allowPrivilegeEscalation").isBoolean()
                    || context.path("allowPrivilegeEscalation").asBoolean()) {
                found.add("privilege escalation: " + name + " does not set allowPrivilegeEscalation: false");
            }
            JsonNode nonRoot = context.path("runAsNonRoot");
            if (nonRoot.isBoolean() ? !nonRoot.asBoolean() : !podNonRoot) {
                found.add("non-root: " + name + " may run as root (runAsNonRoot: true on the pod or container)");
            }
            if (context.has("runAsUser") && context.path("runAsUser").asLong() == 0) {
                found.add("non-root user: " + name + " runAsUser is 0");
            }
            String seccomp = context.path("seccompProfile").path("type").asText("");
            if (seccomp.isEmpty() ? !podSeccomp : !PROFILE_TYPES.contains(seccomp)) {
                found.add("seccomp: " + name + " has no RuntimeDefault or Localhost profile");
            }
            JsonNode capabilities = context.path("capabilities");
            boolean dropsAll = false;
            for (JsonNode dropped : capabilities.path("drop")) {
                dropsAll |= dropped.asText().equals("ALL");
            }
            if (!dropsAll) {
                found.add("capabilities: " + name + " does not drop ALL");
            }
            for (JsonNode added : capabilities.path("add")) {
                if (!added.asText().equals("NET_BIND_SERVICE")) {
                    found.add("capabilities: " + name + " adds " + added.asText());
                }
            }
        }
        return found;
    }

    private static void checkWindowsAndSeLinux(JsonNode context, String where, List<String> found) {
        if (context.path("windowsOptions").path("hostProcess").asBoolean(false)) {
            found.add("HostProcess: " + where);
        }
        JsonNode seLinux = context.path("seLinuxOptions");
        if (!SELINUX_TYPES.contains(seLinux.path("type").asText(""))) {
            found.add("SELinux: " + where + " type " + seLinux.path("type").asText());
        }
        for (String field : List.of("user", "role")) {
            if (!seLinux.path(field).asText("").isEmpty()) {
                found.add("SELinux: " + where + " sets " + field);
            }
        }
    }

    private static void checkAppArmor(JsonNode context, String where, List<String> found) {
        String type = context.path("appArmorProfile").path("type").asText("");
        if (!type.isEmpty() && !PROFILE_TYPES.contains(type)) {
            found.add("AppArmor: " + where + " profile " + type);
        }
    }
}
