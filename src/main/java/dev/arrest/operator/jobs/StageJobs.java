package dev.arrest.operator.jobs;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.Stage;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
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
 * Reads and creates stage Jobs and reads their pods. With a {@link StageJobCache} (the operator),
 * Jobs and pods come from the informer caches, so that a reconciliation of a running or finished
 * stage makes no API request; without one (tests of the state machine), from the API server.
 *
 * <p>A cache can lag behind the API server, and two conclusions must not rest on a lagging cache:
 *
 * <ul>
 *   <li>that a Job is gone: a Job the training's status names but the cache lacks is looked up with
 *       a GET before {@link #find} says it does not exist (a Job the operator has just created is
 *       in the cache at once, see {@link StageJobCache#created});
 *   <li>that a finished Job left no result: when the cached pods do not yet show the termination
 *       that the Job's status reports, {@link #termination} lists the pods from the API server.
 * </ul>
 *
 * A Job missing from the cache that does exist (created by an earlier operator process whose status
 * write was lost) is still found: creating it again answers 409, and {@link #create} returns it.
 */
public class StageJobs {
  private final KubernetesClient client;
  private final StageJobCache cache;

  /** Reads straight from the API server. */
  public StageJobs(KubernetesClient client) {
    this(client, null);
  }

  /**
   * @param cache the informer caches, or null to read from the API server
   */
  public StageJobs(KubernetesClient client, StageJobCache cache) {
    this.client = client;
    this.cache = cache;
  }

  public Optional<Job> find(ArrestTraining training, Stage stage) {
    return find(training, StageTarget.of(stage));
  }

  public Optional<Job> find(ArrestTraining training, StageTarget target) {
    String namespace = training.getMetadata().getNamespace();
    String name = target.jobName(training.getMetadata().getName());
    if (cache == null) {
      return get(namespace, name);
    }
    Optional<Job> cached = cache.job(namespace, name);
    if (cached.isPresent() || !StatusJobNames.contains(training.getStatus(), name)) {
      return cached;
    }
    return get(namespace, name);
  }

  private Optional<Job> get(String namespace, String name) {
    return Optional.ofNullable(
        client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
  }

  /**
   * Creates the Job; if one of that name already exists (a concurrent or earlier reconciliation),
   * returns it.
   */
  public Job create(Job job) {
    Job created;
    try {
      created = client.batch().v1().jobs().resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      created =
          get(job.getMetadata().getNamespace(), job.getMetadata().getName()).orElseThrow(() -> e);
    }
    if (cache != null) {
      cache.created(created);
    }
    return created;
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
    return newestFirst(
        cache == null
            ? listPods(job)
            : cache.pods(job.getMetadata().getNamespace(), job.getMetadata().getName()));
  }

  private List<Pod> listPods(Job job) {
    return client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .withLabel(TrainerLabels.JOB_NAME, job.getMetadata().getName())
        .list()
        .getItems();
  }

  private static List<Pod> newestFirst(List<Pod> pods) {
    return pods.stream()
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
    List<Pod> pods = pods(job);
    if (cache != null && !showsOutcome(job, pods, succeeded)) {
      // The pod informer may not have delivered what the Job controller already counted.
      pods = newestFirst(listPods(job));
    }
    Optional<PodTermination> latest = Optional.empty();
    for (Pod pod : pods) {
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

  /**
   * Whether {@code pods} show what the Job's status counts: a trainer that exited 0 for a succeeded
   * Job, as many terminated trainers as failed pods for a failed one.
   */
  private static boolean showsOutcome(Job job, List<Pod> pods, boolean succeeded) {
    List<Integer> exitCodes =
        pods.stream()
            .map(StageJobs::trainerTermination)
            .flatMap(Optional::stream)
            .map(t -> t.getExitCode() == null ? -1 : t.getExitCode())
            .toList();
    if (succeeded) {
      return exitCodes.contains(0);
    }
    int failed =
        job.getStatus() == null || job.getStatus().getFailed() == null
            ? 0
            : job.getStatus().getFailed();
    return !exitCodes.isEmpty() && exitCodes.size() >= failed;
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
