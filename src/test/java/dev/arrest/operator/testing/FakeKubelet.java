package dev.arrest.operator.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the Job controller and the kubelet for a {@link FakeCluster}: for each Job it creates pods,
 * and either records an outcome the test dictates ({@link #finish}) or, once {@link #start}ed, runs
 * the Job's container command as a local process ({@link LocalContainer}, shared with the
 * real-API-server suite's node stand-in) with the container's args and env, a directory as the
 * volume, and writes the pod and Job status back: phase, exit code, termination message (with
 * FallbackToLogsOnError) and the Job's Complete or Failed condition. Retries follow the Job's
 * backoffLimit.
 */
public final class FakeKubelet implements AutoCloseable {
  private final FakeCluster cluster;
  private final KubernetesClient client;
  private final Path volumeRoot;
  private final Set<String> handledJobs = ConcurrentHashMap.newKeySet();
  private final AtomicInteger podCounter = new AtomicInteger();
  private ExecutorService executor;
  private LocalContainer.CommandMapper mapper;
  private volatile boolean running;

  /**
   * @param volumeRoot local directory standing in for every PersistentVolumeClaim's root
   */
  public FakeKubelet(FakeCluster cluster, Path volumeRoot) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.volumeRoot = volumeRoot;
  }

  /** Starts running every (unsuspended) Job's container as a local process. */
  public FakeKubelet start(LocalContainer.CommandMapper commandMapper) {
    this.mapper = commandMapper;
    this.running = true;
    this.executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "fake-kubelet");
              thread.setDaemon(true);
              return thread;
            });
    executor.submit(this::watchJobs);
    return this;
  }

  private void watchJobs() {
    while (running) {
      try {
        for (Job job : client.batch().v1().jobs().inAnyNamespace().list().getItems()) {
          boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());
          if (!suspended && handledJobs.add(job.getMetadata().getUid())) {
            executor.submit(() -> runJob(job));
          }
        }
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (running) {
          System.err.println("fake kubelet: " + e);
        }
      }
    }
  }

  private void runJob(Job job) {
    int attempts =
        1 + (job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit());
    Termination last = null;
    for (int attempt = 0; attempt < attempts; attempt++) {
      Pod pod = createPod(job);
      setJobStatus(job, new JobStatusBuilder().withActive(1).withStartTime(now()).build());
      last = runContainer(job, pod);
      writePodTermination(pod, last);
      if (last.exitCode == 0) {
        break;
      }
    }
    setJobOutcome(job, last.exitCode == 0, attempts);
  }

  private record Termination(int exitCode, String message) {}

  private Termination runContainer(Job job, Pod pod) {
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    String namespace = job.getMetadata().getNamespace();
    String podName = pod.getMetadata().getName();
    try {
      LocalContainer.Termination termination =
          LocalContainer.start(
                  container,
                  this::mountSource,
                  field -> null,
                  mapper,
                  null,
                  line -> cluster.appendLog(namespace, podName, line))
              .awaitTermination();
      return new Termination(termination.exitCode(), termination.message());
    } catch (IOException | RuntimeException e) {
      cluster.appendLog(namespace, podName, "fake kubelet: cannot run container: " + e + "\n");
      return new Termination(128, "cannot run container: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Termination(137, "killed");
    }
  }

  /** Every claim is the volume root; a mount's subPath is a directory under it. */
  private Path mountSource(VolumeMount mount) {
    Path root = mount.getSubPath() == null ? volumeRoot : volumeRoot.resolve(mount.getSubPath());
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return root;
  }

  // ---- Outcomes dictated by a test (no process) ----

  /** A pod of the Job that is running and has printed {@code log} so far. */
  public Pod running(Job job, String log) {
    Pod pod = createPod(job);
    cluster.appendLog(job.getMetadata().getNamespace(), pod.getMetadata().getName(), log);
    setJobStatus(job, new JobStatusBuilder().withActive(1).withStartTime(now()).build());
    return pod;
  }

  /** A pod of the Job whose trainer container waits, e.g. with reason ImagePullBackOff. */
  public Pod waiting(Job job, String reason, String message) {
    Pod pod = createPod(job);
    return client
        .pods()
        .resource(pod)
        .editStatus(
            current -> {
              current.getStatus().setPhase("Pending");
              current
                  .getStatus()
                  .setContainerStatuses(
                      List.of(
                          new ContainerStatusBuilder()
                              .withName(containerName(job))
                              .withImage(
                                  job.getSpec()
                                      .getTemplate()
                                      .getSpec()
                                      .getContainers()
                                      .get(0)
                                      .getImage())
                              .withNewState()
                              .withNewWaiting()
                              .withReason(reason)
                              .withMessage(message)
                              .endWaiting()
                              .endState()
                              .build()));
              return current;
            });
  }

  /** A pod of the Job the scheduler cannot place, with the scheduler's message. */
  public Pod unschedulable(Job job, String message) {
    Pod pod = createPod(job);
    return client
        .pods()
        .resource(pod)
        .editStatus(
            current -> {
              current.getStatus().setPhase("Pending");
              current.getStatus().setContainerStatuses(List.of());
              current
                  .getStatus()
                  .setConditions(
                      List.of(
                          new PodConditionBuilder()
                              .withType("PodScheduled")
                              .withStatus("False")
                              .withReason("Unschedulable")
                              .withMessage(message)
                              .build()));
              return current;
            });
  }

  /**
   * The Job's pod was evicted (phase Failed, reason Evicted, as a kubelet under memory pressure or
   * a node drain on servers before 1.26 leaves it) and the Job failed for it.
   */
  public void evicted(Job job) {
    Pod pod = createPod(job);
    client
        .pods()
        .resource(pod)
        .editStatus(
            current -> {
              current.getStatus().setPhase("Failed");
              current.getStatus().setReason("Evicted");
              current.getStatus().setMessage("The node was low on resource: memory.");
              return current;
            });
    setJobOutcome(job, false, 1);
  }

  /** A pod of the Job whose trainer exited with {@code exitCode}, the Job still retrying. */
  public void podFailed(Job job, int exitCode, String terminationMessage) {
    Pod pod = createPod(job);
    writePodTermination(pod, new Termination(exitCode, terminationMessage));
  }

  /** The Job controller's FailedCreate Event on the Job, as when a quota refuses its pod. */
  public void failedCreate(Job job, String message) {
    client
        .v1()
        .events()
        .inNamespace(job.getMetadata().getNamespace())
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(job.getMetadata().getName() + ".failedcreate")
                .withNamespace(job.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(job.getMetadata().getName())
                .withNamespace(job.getMetadata().getNamespace())
                .withUid(job.getMetadata().getUid())
                .endInvolvedObject()
                .withType("Warning")
                .withReason("FailedCreate")
                .withMessage(message)
                .withLastTimestamp(now())
                .build())
        .create();
  }

  /**
   * Finishes the Job with one pod that exited with {@code exitCode} and left {@code
   * terminationMessage}.
   */
  public void finish(Job job, int exitCode, String terminationMessage) {
    Pod pod = createPod(job);
    writePodTermination(pod, new Termination(exitCode, terminationMessage));
    setJobOutcome(job, exitCode == 0, 1);
  }

  /** A running pod of the Job, labelled and owned as the Job controller does it. */
  private Pod createPod(Job job) {
    String name =
        job.getMetadata().getName() + "-" + String.format("%05d", podCounter.incrementAndGet());
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
            .addToLabels("job-name", job.getMetadata().getName())
            .addToLabels("controller-uid", job.getMetadata().getUid())
            .withCreationTimestamp(Instant.now().toString())
            .addNewOwnerReference()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName(job.getMetadata().getName())
            .withUid(job.getMetadata().getUid())
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withSpec(job.getSpec().getTemplate().getSpec())
            .withNewStatus()
            .withPhase("Running")
            .addToContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(containerName(job))
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt(now())
                    .endRunning()
                    .endState()
                    .build())
            .endStatus()
            .build();
    return client.pods().resource(pod).create();
  }

  private void writePodTermination(Pod pod, Termination termination) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            current -> {
              current.getStatus().setPhase(termination.exitCode == 0 ? "Succeeded" : "Failed");
              current
                  .getStatus()
                  .setContainerStatuses(
                      List.of(
                          new ContainerStatusBuilder()
                              .withName(pod.getSpec().getContainers().get(0).getName())
                              .withNewState()
                              .withNewTerminated()
                              .withExitCode(termination.exitCode)
                              .withReason(termination.exitCode == 0 ? "Completed" : "Error")
                              .withMessage(
                                  termination.message == null || termination.message.isEmpty()
                                      ? null
                                      : termination.message)
                              .withFinishedAt(now())
                              .endTerminated()
                              .endState()
                              .build()));
              return current;
            });
  }

  private void setJobOutcome(Job job, boolean succeeded, int attempts) {
    JobStatus status =
        new JobStatusBuilder()
            .withStartTime(now())
            .withActive(0)
            .withSucceeded(succeeded ? 1 : 0)
            .withFailed(succeeded ? 0 : attempts)
            .withCompletionTime(succeeded ? now() : null)
            .withConditions(
                new JobConditionBuilder()
                    .withType(succeeded ? "Complete" : "Failed")
                    .withStatus("True")
                    .withReason(succeeded ? null : "BackoffLimitExceeded")
                    .withMessage(succeeded ? null : "Job has reached the specified backoff limit")
                    .withLastTransitionTime(now())
                    .build())
            .build();
    setJobStatus(job, status);
  }

  private void setJobStatus(Job job, JobStatus status) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .editStatus(
            current -> {
              current.setStatus(status);
              return current;
            });
  }

  private static String containerName(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (executor != null) {
      executor.shutdownNow();
      executor.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
