package dev.arrest.operator.jobs;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads and creates stage Jobs and reads their pods. Jobs are looked up by their deterministic name
 * straight from the API server rather than from the informer cache: a cache that has not yet seen a
 * just-created Job must never make the operator believe the stage has not started (the informer
 * only triggers reconciliations).
 */
public class StageJobs {
  private final KubernetesClient client;

  public StageJobs(KubernetesClient client) {
    this.client = client;
  }

  public Optional<Job> find(ArrestTraining training, Stage stage) {
    return find(training, StageTarget.of(stage));
  }

  public Optional<Job> find(ArrestTraining training, StageTarget target) {
    return find(
        training.getMetadata().getNamespace(), target.jobName(training.getMetadata().getName()));
  }

  public Optional<Job> find(String namespace, String jobName) {
    return Optional.ofNullable(
        client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get());
  }

  /**
   * Creates the Job with {@code dryRun=All}: the API server validates and admits it (schema,
   * admission webhooks, quota on Job objects) without storing anything.
   */
  public void createDryRun(Job job) {
    client.batch().v1().jobs().resource(job).dryRun().create();
  }

  /**
   * Deletes the Job and, in the foreground, its pods: the Job is gone only once its pods are, so
   * its absence says no trainer of it still writes.
   */
  public void delete(Job job) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();
  }

  /**
   * Deletes the training itself, once its spec.runPolicy.ttlSecondsAfterFinished has passed; its
   * Jobs go with it through their owner references.
   */
  public void deleteTraining(ArrestTraining training) {
    client.resource(training).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
  }

  /** The Events recorded about the Job (by the Job controller, above all FailedCreate). */
  public List<Event> events(Job job) {
    return client
        .v1()
        .events()
        .inNamespace(job.getMetadata().getNamespace())
        .withField("involvedObject.name", job.getMetadata().getName())
        .list()
        .getItems()
        .stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && "Job".equals(e.getInvolvedObject().getKind())
                    && job.getMetadata().getName().equals(e.getInvolvedObject().getName())
                    && (job.getMetadata().getUid() == null
                        || e.getInvolvedObject().getUid() == null
                        || job.getMetadata().getUid().equals(e.getInvolvedObject().getUid())))
        .toList();
  }

  /** The trainer terminations of every pod of the Job, newest first. */
  public List<PodTermination> terminations(Job job) {
    return pods(job).stream()
        .flatMap(
            pod ->
                trainerTermination(pod).stream()
                    .map(
                        t ->
                            PodTermination.of(
                                pod.getMetadata().getName(),
                                t.getExitCode() == null ? -1 : t.getExitCode(),
                                t.getMessage())))
        .toList();
  }

  /**
   * Creates the Job; if one of that name already exists (a concurrent or earlier reconciliation),
   * returns it.
   */
  public Job create(Job job) {
    try {
      return client.batch().v1().jobs().resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      Job existing =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(job.getMetadata().getNamespace())
              .withName(job.getMetadata().getName())
              .get();
      if (existing == null) {
        throw e;
      }
      return existing;
    }
  }

  /**
   * Whether the Job belongs to this ArrestTraining (and not, say, to a deleted one of the same
   * name).
   */
  public static boolean isOwnedBy(Job job, ArrestTraining training) {
    List<OwnerReference> owners = job.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream()
            .anyMatch(
                owner ->
                    training.getMetadata().getUid() != null
                        && training.getMetadata().getUid().equals(owner.getUid()));
  }

  /** The Job's pods, newest first. */
  public List<Pod> pods(Job job) {
    return pods(job.getMetadata().getNamespace(), job.getMetadata().getName());
  }

  /** The pods of the Job of that name, newest first; they may outlive a Job deleted by hand. */
  public List<Pod> pods(String namespace, String jobName) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel(TrainerLabels.JOB_NAME, jobName)
        .list()
        .getItems()
        .stream()
        .sorted(
            Comparator.comparing(
                    (Pod pod) -> pod.getMetadata().getCreationTimestamp(),
                    Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed())
        .toList();
  }

  /** The running trainer pod of a Job, if any (the newest one, when the Job retries). */
  public Optional<Pod> runningPod(Job job) {
    return pods(job).stream()
        .filter(pod -> pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()))
        .findFirst();
  }

  /**
   * The termination of the trainer container of a finished Job: for a succeeded Job the pod that
   * exited 0, else the most recent termination.
   */
  public Optional<PodTermination> termination(Job job, boolean succeeded) {
    Optional<PodTermination> latest = Optional.empty();
    for (Pod pod : pods(job)) {
      Optional<ContainerStateTerminated> terminated = trainerTermination(pod);
      if (terminated.isEmpty()) {
        continue;
      }
      int exitCode = terminated.get().getExitCode() == null ? -1 : terminated.get().getExitCode();
      PodTermination termination =
          PodTermination.of(pod.getMetadata().getName(), exitCode, terminated.get().getMessage());
      if (!succeeded || exitCode == 0) {
        return Optional.of(termination);
      }
      if (latest.isEmpty()) {
        latest = Optional.of(termination);
      }
    }
    return latest;
  }

  private static Optional<ContainerStateTerminated> trainerTermination(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
      if (StageJobFactory.CONTAINER_NAME.equals(status.getName())
          && status.getState() != null
          && status.getState().getTerminated() != null) {
        return Optional.of(status.getState().getTerminated());
      }
    }
    return Optional.empty();
  }
}
