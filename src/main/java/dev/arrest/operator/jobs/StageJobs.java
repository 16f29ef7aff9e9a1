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
  /** The Job controller's Event reason when it cannot create a Job's pod. */
  public static final String FAILED_CREATE = "FailedCreate";

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
    return find(training, target.jobName(training.getMetadata().getName()));
  }

  /**
   * The training's Job of that name: from the cache, asking the API server only when the training's
   * status names a Job the cache lacks.
   */
  public Optional<Job> find(ArrestTraining training, String name) {
    String namespace = training.getMetadata().getNamespace();
    if (cache == null) {
      return get(namespace, name);
    }
    Optional<Job> cached = cache.job(namespace, name);
    if (cached.isPresent() || !StatusJobNames.contains(training.getStatus(), name)) {
      return cached;
    }
    return get(namespace, name);
  }

  /**
   * Straight from the API server, for what a lagging cache must not decide: whether the Job of a
   * stage's previous attempt is really gone before the next one starts.
   */
  public Optional<Job> find(String namespace, String jobName) {
    return get(namespace, jobName);
  }

  private Optional<Job> get(String namespace, String name) {
    return Optional.ofNullable(
        client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
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

  /**
   * The Job controller's FailedCreate Events about this Job: from the Event informer's cache, or
   * without one from the API server.
   */
  public List<Event> failedCreateEvents(Job job) {
    String namespace = job.getMetadata().getNamespace();
    List<Event> events =
        cache != null
            ? cache.failedCreateEvents(namespace, job.getMetadata().getName())
            : client
                .v1()
                .events()
                .inNamespace(namespace)
                .withField("involvedObject.name", job.getMetadata().getName())
                .withField("reason", FAILED_CREATE)
                .list()
                .getItems();
    return events.stream()
        .filter(
            e ->
                FAILED_CREATE.equals(e.getReason())
                    && e.getInvolvedObject() != null
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
            ? pods(job.getMetadata().getNamespace(), job.getMetadata().getName())
            : cache.pods(job.getMetadata().getNamespace(), job.getMetadata().getName()));
  }

  /**
   * The pods of the Job of that name straight from the API server, newest first; they may outlive a
   * Job deleted by hand, and whether they still run must not rest on a lagging cache.
   */
  public List<Pod> pods(String namespace, String jobName) {
    return newestFirst(
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(TrainerLabels.JOB_NAME, jobName)
            .list()
            .getItems());
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
      pods = pods(job.getMetadata().getNamespace(), job.getMetadata().getName());
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
