package dev.arrest.operator.observer;

import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.status.Reason;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What the status of one trainer pod says about its stage, read from the pod alone. */
public final class PodDiagnosis {
  /** Waiting reasons of a container whose image cannot be had: waiting longer will not help. */
  static final Set<String> IMAGE_PULL_REASONS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "RegistryUnavailable");

  /** Waiting reasons of a container that cannot be created from its spec. */
  static final Set<String> CONTAINER_CONFIG_REASONS =
      Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  /**
   * Reasons a kubelet or controller gives a pod it stopped for the node's sake, not the trainer's:
   * on servers before 1.26 the only sign of a disruption, since there is no DisruptionTarget
   * condition yet.
   */
  static final Set<String> DISRUPTION_REASONS =
      Set.of("Evicted", "NodeLost", "Preempting", "Shutdown", "NodeShutdown", "Terminated");

  /** The pod condition Kubernetes 1.26+ sets on a pod stopped by a disruption. */
  static final String DISRUPTION_TARGET = "DisruptionTarget";

  private PodDiagnosis() {}

  /** Why the pod cannot start its trainer, if it cannot. */
  public static Optional<StageBlocker> blocker(Pod pod) {
    String name = pod.getMetadata().getName();
    for (PodCondition condition : conditions(pod)) {
      if ("PodScheduled".equals(condition.getType())
          && "False".equals(condition.getStatus())
          && "Unschedulable".equals(condition.getReason())) {
        return Optional.of(
            new StageBlocker(
                Reason.UNSCHEDULABLE,
                "pod "
                    + name
                    + " cannot be scheduled: "
                    + orNothing(condition.getMessage())
                    + "; check spec.resources (GPUs, CPU, memory) and spec.scheduling"
                    + " (nodeSelector, tolerations, priorityClassName) against the cluster's"
                    + " nodes"));
      }
    }
    Optional<ContainerStatus> trainer = trainerStatus(pod);
    if (trainer.isEmpty()
        || trainer.get().getState() == null
        || trainer.get().getState().getWaiting() == null) {
      return Optional.empty();
    }
    ContainerStateWaiting waiting = trainer.get().getState().getWaiting();
    String reason = orNothing(waiting.getReason());
    if (IMAGE_PULL_REASONS.contains(reason)) {
      return Optional.of(
          new StageBlocker(
              Reason.IMAGE_PULL_FAILED,
              "pod "
                  + name
                  + " cannot pull image "
                  + trainer.get().getImage()
                  + " ("
                  + reason
                  + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage())
                  + "); check spec.image (or the operator's trainer image) and the image pull"
                  + " secrets of the namespace"));
    }
    if (CONTAINER_CONFIG_REASONS.contains(reason)) {
      return Optional.of(
          new StageBlocker(
              Reason.CONTAINER_CONFIG_ERROR,
              "pod "
                  + name
                  + " cannot create its trainer container ("
                  + reason
                  + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage())
                  + "); check the secrets, config maps and volumes the spec refers to"));
    }
    return Optional.empty();
  }

  /**
   * Whether the pod stopped because of a disruption rather than its trainer: a DisruptionTarget
   * condition (1.26+), a disruption reason of older servers, or a deletion by someone else while it
   * ran.
   */
  public static Optional<Disruption> disruption(Pod pod) {
    String name = pod.getMetadata().getName();
    for (PodCondition condition : conditions(pod)) {
      if (DISRUPTION_TARGET.equals(condition.getType()) && "True".equals(condition.getStatus())) {
        return Optional.of(
            new Disruption(
                "pod "
                    + name
                    + " disrupted ("
                    + orNothing(condition.getReason())
                    + (condition.getMessage() == null ? "" : ": " + condition.getMessage())
                    + ")"));
      }
    }
    String reason = pod.getStatus() == null ? null : pod.getStatus().getReason();
    if ("Failed".equals(phase(pod)) && reason != null && DISRUPTION_REASONS.contains(reason)) {
      String message = pod.getStatus().getMessage();
      return Optional.of(
          new Disruption("pod " + name + " " + reason + (message == null ? "" : ": " + message)));
    }
    if (pod.getMetadata().getDeletionTimestamp() != null && isAlive(pod)) {
      return Optional.of(new Disruption("pod " + name + " deleted while it ran"));
    }
    return Optional.empty();
  }

  /** Whether the pod's trainer may still be running (and writing to the stage's directory). */
  public static boolean isAlive(Pod pod) {
    String phase = phase(pod);
    return !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  public static boolean hasRun(Pod pod) {
    String phase = phase(pod);
    return "Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** The exit code of the trainer container, once it has terminated. */
  public static Optional<Integer> exitCode(Pod pod) {
    return trainerStatus(pod)
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
        .map(s -> s.getState().getTerminated().getExitCode());
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static List<PodCondition> conditions(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null
        ? List.of()
        : pod.getStatus().getConditions();
  }

  private static Optional<ContainerStatus> trainerStatus(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> StageJobFactory.CONTAINER_NAME.equals(s.getName()))
        .findFirst();
  }

  private static String orNothing(String text) {
    return text == null ? "" : text;
  }
}
