package dev.arrest.chart;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The checks of the Kubernetes Pod Security Standards, "restricted" profile (baseline included), as
 * the PodSecurity admission controller applies them to a pod spec. Returns one message per
 * violation, naming the field.
 */
final class RestrictedPodSecurity {
  private static final Set<String> ALLOWED_VOLUME_TYPES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");
  private static final Set<String> SAFE_SYSCTLS =
      Set.of(
          "kernel.shm_rmid_forced",
          "net.ipv4.ip_local_port_range",
          "net.ipv4.ip_unprivileged_port_start",
          "net.ipv4.tcp_syncookies",
          "net.ipv4.ping_group_range",
          "net.ipv4.ip_local_reserved_ports",
          "net.ipv4.tcp_keepalive_time",
          "net.ipv4.tcp_fin_timeout",
          "net.ipv4.tcp_keepalive_intvl",
          "net.ipv4.tcp_keepalive_probes");

  private RestrictedPodSecurity() {}

  static List<String> violations(PodSpec pod) {
    List<String> problems = new ArrayList<>();
    PodSecurityContext podContext =
        pod.getSecurityContext() != null ? pod.getSecurityContext() : new PodSecurityContext();
    if (Boolean.TRUE.equals(pod.getHostNetwork())
        || Boolean.TRUE.equals(pod.getHostPID())
        || Boolean.TRUE.equals(pod.getHostIPC())) {
      problems.add("host namespaces: hostNetwork, hostPID and hostIPC must be unset or false");
    }
    for (Volume volume : pod.getVolumes()) {
      String type = volumeType(volume);
      if (!ALLOWED_VOLUME_TYPES.contains(type)) {
        problems.add("volume " + volume.getName() + ": type " + type + " is not allowed");
      }
    }
    if (podContext.getSysctls() != null) {
      podContext.getSysctls().stream()
          .filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
          .forEach(s -> problems.add("sysctl " + s.getName() + " is not allowed"));
    }
    if (podContext.getRunAsUser() != null && podContext.getRunAsUser() == 0) {
      problems.add("securityContext.runAsUser: must not be 0");
    }
    boolean podSeccomp = allowedSeccomp(podContext.getSeccompProfile());
    if (podContext.getSeccompProfile() != null && !podSeccomp) {
      problems.add("securityContext.seccompProfile.type: must be RuntimeDefault or Localhost");
    }
    boolean podNonRoot = Boolean.TRUE.equals(podContext.getRunAsNonRoot());
    if (podContext.getRunAsNonRoot() != null && !podNonRoot) {
      problems.add("securityContext.runAsNonRoot: must not be false");
    }
    List<Container> containers =
        Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream()).toList();
    for (Container container : containers) {
      String at = "container " + container.getName() + ": ";
      SecurityContext context =
          container.getSecurityContext() != null
              ? container.getSecurityContext()
              : new SecurityContext();
      if (Boolean.TRUE.equals(context.getPrivileged())) {
        problems.add(at + "privileged");
      }
      if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
        problems.add(at + "securityContext.allowPrivilegeEscalation must be false");
      }
      Capabilities capabilities = context.getCapabilities();
      if (capabilities == null
          || capabilities.getDrop() == null
          || !capabilities.getDrop().contains("ALL")) {
        problems.add(at + "securityContext.capabilities.drop must contain ALL");
      }
      if (capabilities != null
          && capabilities.getAdd() != null
          && capabilities.getAdd().stream().anyMatch(c -> !c.equals("NET_BIND_SERVICE"))) {
        problems.add(at + "securityContext.capabilities.add may only hold NET_BIND_SERVICE");
      }
      if (context.getRunAsNonRoot() != null ? !context.getRunAsNonRoot() : !podNonRoot) {
        problems.add(at + "runAsNonRoot must be true (in the container or the pod)");
      }
      if (context.getRunAsUser() != null && context.getRunAsUser() == 0) {
        problems.add(at + "securityContext.runAsUser must not be 0");
      }
      if (context.getSeccompProfile() != null
          ? !allowedSeccomp(context.getSeccompProfile())
          : !podSeccomp) {
        problems.add(
            at
                + "seccompProfile must be RuntimeDefault or Localhost (in the container or the"
                + " pod)");
      }
      if (context.getProcMount() != null && !"Default".equals(context.getProcMount())) {
        problems.add(at + "procMount must be Default");
      }
      for (ContainerPort port : container.getPorts()) {
        if (port.getHostPort() != null && port.getHostPort() != 0) {
          problems.add(at + "hostPort " + port.getHostPort());
        }
      }
    }
    return problems;
  }

  private static boolean allowedSeccomp(SeccompProfile profile) {
    return profile != null
        && ("RuntimeDefault".equals(profile.getType()) || "Localhost".equals(profile.getType()));
  }

  private static String volumeType(Volume volume) {
    if (volume.getConfigMap() != null) {
      return "configMap";
    }
    if (volume.getCsi() != null) {
      return "csi";
    }
    if (volume.getDownwardAPI() != null) {
      return "downwardAPI";
    }
    if (volume.getEmptyDir() != null) {
      return "emptyDir";
    }
    if (volume.getEphemeral() != null) {
      return "ephemeral";
    }
    if (volume.getPersistentVolumeClaim() != null) {
      return "persistentVolumeClaim";
    }
    if (volume.getProjected() != null) {
      return "projected";
    }
    if (volume.getSecret() != null) {
      return "secret";
    }
    return volume.getHostPath() != null ? "hostPath" : "other";
  }
}
