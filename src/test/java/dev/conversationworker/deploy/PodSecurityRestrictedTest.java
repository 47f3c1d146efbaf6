package dev.conversationworker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The checker refuses what Pod Security admission refuses, proven on hand-written pod templates. */
class PodSecurityRestrictedTest {

    private static final String COMPLIANT = """
            spec:
              securityContext: {runAsNonRoot: true, runAsUser: 185, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: worker
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
              volumes:
                - {name: tmp, emptyDir: {}}
                - {name: settings, configMap: {name: x}}
            """;

    @Test
    void aCompliantPodIsAdmitted() throws Exception {
        assertThat(PodSecurityRestricted.violations(template(COMPLIANT))).isEmpty();
    }

    /** The worker's pod before issue 19: non-root, and nothing else of the profile. */
    @Test
    void thePodOfIssue19BreaksThreeRules() throws Exception {
        assertThat(PodSecurityRestricted.violations(template("""
                spec:
                  securityContext: {runAsNonRoot: true, runAsUser: 185}
                  containers:
                    - name: worker
                      ports: [{name: http, containerPort: 8080}]
                """))).containsExactlyInAnyOrder(
                "privilege escalation: container worker does not set allowPrivilegeEscalation: false",
                "seccomp: container worker has no RuntimeDefault or Localhost profile",
                "capabilities: container worker does not drop ALL");
    }

    @Test
    void everyBaselineRuleIsChecked() throws Exception {
        assertThat(PodSecurityRestricted.violations(template("""
                metadata:
                  annotations: {container.apparmor.security.beta.kubernetes.io/worker: unconfined}
                spec:
                  hostNetwork: true
                  hostPID: true
                  hostIPC: true
                  securityContext:
                    runAsNonRoot: true
                    seccompProfile: {type: Unconfined}
                    sysctls: [{name: kernel.msgmax, value: "1"}]
                    seLinuxOptions: {type: spc_t}
                  containers:
                    - name: worker
                      ports: [{containerPort: 8080, hostPort: 8080}]
                      securityContext:
                        privileged: true
                        procMount: Unmasked
                        windowsOptions: {hostProcess: true}
                        allowPrivilegeEscalation: false
                        seccompProfile: {type: RuntimeDefault}
                        capabilities: {drop: [ALL]}
                  volumes:
                    - {name: docker, hostPath: {path: /var/run/docker.sock}}
                """))).containsExactlyInAnyOrder(
                "host namespaces: hostNetwork is true", "host namespaces: hostPID is true",
                "host namespaces: hostIPC is true", "SELinux: pod type spc_t", "seccomp: pod profile Unconfined",
                "AppArmor: container.apparmor.security.beta.kubernetes.io/worker is unconfined",
                "sysctls: kernel.msgmax is not a safe sysctl", "volume types: docker is [hostPath]",
                "privileged: container worker", "HostProcess: container worker",
                "/proc mount: container worker Unmasked", "host ports: container worker hostPort 8080");
    }

    @Test
    void everyRestrictedRuleIsCheckedOnEveryKindOfContainer() throws Exception {
        assertThat(PodSecurityRestricted.violations(template("""
                spec:
                  securityContext: {runAsUser: 0}
                  initContainers:
                    - name: init
                      securityContext:
                        allowPrivilegeEscalation: true
                        runAsNonRoot: false
                        seccompProfile: {type: Unconfined}
                        capabilities: {drop: [ALL], add: [SYS_ADMIN, NET_BIND_SERVICE]}
                  containers:
                    - name: worker
                      securityContext:
                        runAsUser: 0
                        allowPrivilegeEscalation: false
                        seccompProfile: {type: RuntimeDefault}
                        capabilities: {drop: [NET_RAW]}
                  volumes:
                    - {name: nfs, nfs: {server: x, path: /}}
                """))).containsExactlyInAnyOrder(
                "volume types: nfs is [nfs]", "non-root user: pod runAsUser is 0",
                "privilege escalation: container init does not set allowPrivilegeEscalation: false",
                "non-root: container init may run as root (runAsNonRoot: true on the pod or container)",
                "seccomp: container init has no RuntimeDefault or Localhost profile",
                "capabilities: container init adds SYS_ADMIN",
                "non-root: container worker may run as root (runAsNonRoot: true on the pod or container)",
                "non-root user: container worker runAsUser is 0",
                "capabilities: container worker does not drop ALL");
    }

    private static JsonNode template(String yaml) throws Exception {
        return new YAMLMapper().readTree(yaml);
    }
}
