package dev.arrest.e2e;

import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.jobs.TrainerLabels;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
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
 * A node whose trainer pods finish the moment they are bound: for a scale test, where what matters
 * is how the operator handles many trainings, not what the trainer computes. It registers a Node,
 * binds every pending pod of one namespace to it and writes the pod's status straight to Succeeded
 * with the termination message a successful stage leaves (an evaluation with fixed accuracies), so
 * that the real Job controller completes the Job and the operator moves the training on. Nothing
 * runs: no process, no log.
 */
final class InstantNode implements AutoCloseable {
  static final String NODE_NAME = "arrest-scale-node";
  static final double STANDARD_ACCURACY = 0.8;
  static final double ROBUST_ACCURACY = 0.5;
  private static final int MAX_ATTEMPTS = 10;

  private final KubernetesClient client;
  private final String namespace;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final ExecutorService workers =
      Executors.newFixedThreadPool(
          4,
          runnable -> {
            Thread thread = new Thread(runnable, "instant-node");
            thread.setDaemon(true);
            return thread;
          });
  private final Watch watch;

  /** Starts serving the pods of {@code namespace}, existing ones included. */
  InstantNode(KubernetesClient admin, String namespace) {
    this.client = admin;
    this.namespace = namespace;
    registerNode();
    for (Pod pod : admin.pods().inNamespace(namespace).list().getItems()) {
      offer(pod);
    }
    watch =
        admin
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (action == Action.ADDED || action == Action.MODIFIED) {
                      offer(pod);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  /** Pods this node has finished so far. */
  int finished() {
    return finished.get();
  }

  /** Pods it could not finish (bind or status write refused). */
  int failures() {
    return failures.get();
  }

  private void offer(Pod pod) {
    boolean unbound = pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty();
    if (unbound
        && pod.getMetadata().getDeletionTimestamp() == null
        && seen.add(pod.getMetadata().getUid())) {
      workers.submit(() -> finish(pod));
    }
  }

  private void finish(Pod pod) {
    String name = pod.getMetadata().getName();
    try {
      bind(name);
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      String message = terminationMessage(pod);
      for (int attempt = 1; ; attempt++) {
        try {
          client
              .pods()
              .inNamespace(namespace)
              .withName(name)
              .editStatus(current -> succeeded(current, message, now));
          break;
        } catch (KubernetesClientException e) {
          // The Job controller may write the pod in between; read it again and retry.
          if (e.getCode() != 409 || attempt == MAX_ATTEMPTS) {
            throw e;
          }
        }
      }
      finished.incrementAndGet();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        failures.incrementAndGet();
        System.err.println("instant node: cannot finish pod " + name + ": " + e.getMessage());
      }
    }
  }

  /** Binds the pod to this node; a conflict because it already is (a retried request) is fine. */
  private void bind(String name) {
    try {
      client
          .bindings()
          .inNamespace(namespace)
          .resource(
              new BindingBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .withNewTarget()
                  .withApiVersion("v1")
                  .withKind("Node")
                  .withName(NODE_NAME)
                  .endTarget()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      Pod current = client.pods().inNamespace(namespace).withName(name).get();
      if (e.getCode() != 409
          || current == null
          || !NODE_NAME.equals(current.getSpec().getNodeName())) {
        throw e;
      }
    }
  }

  private static Pod succeeded(Pod pod, String terminationMessage, String now) {
    pod.getStatus().setPhase("Succeeded");
    pod.getStatus().setStartTime(now);
    pod.getStatus()
        .setContainerStatuses(
            List.of(
                new ContainerStatusBuilder()
                    .withName(StageJobFactory.CONTAINER_NAME)
                    .withImage(pod.getSpec().getContainers().get(0).getImage())
                    .withImageID("instant://")
                    .withContainerID("instant://" + pod.getMetadata().getName())
                    .withReady(false)
                    .withRestartCount(0)
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(0)
                    .withReason("Completed")
                    .withMessage(terminationMessage)
                    .withStartedAt(now)
                    .withFinishedAt(now)
                    .endTerminated()
                    .endState()
                    .build()));
    return pod;
  }

  /** What a successful stage of the trainer leaves in its termination message. */
  private static String terminationMessage(Pod pod) {
    Stage stage = Stage.parse(pod.getMetadata().getLabels().get(TrainerLabels.STAGE));
    StageResult result = new StageResult();
    result.name = pod.getMetadata().getLabels().get(TrainerLabels.TRAINING);
    result.stage = stage;
    result.status = StageStatus.SUCCEEDED;
    result.seconds = 0.0;
    if (stage == Stage.EVALUATE) {
      result.evaluation =
          new EvaluationResult(100, STANDARD_ACCURACY, ROBUST_ACCURACY, List.of(), List.of());
    }
    return TerminationMessage.of(result).toJson();
  }

  private void registerNode() {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE_NAME)
                .addToLabels("kubernetes.io/hostname", NODE_NAME)
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withMessage("instant node of the scale test")
                .endCondition()
                .endStatus()
                .build())
        .createOr(existing -> existing.update());
  }

  @Override
  public void close() throws InterruptedException {
    watch.close();
    workers.shutdownNow();
    workers.awaitTermination(10, TimeUnit.SECONDS);
    try {
      client.nodes().withName(NODE_NAME).delete();
    } catch (KubernetesClientException e) {
      // the control plane may already be gone
    }
  }
}
