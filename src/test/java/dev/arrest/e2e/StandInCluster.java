package dev.arrest.e2e;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.testing.CheckpointingStandInTrainer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the control-plane tests with {@link CheckpointingStandInTrainer} share: a namespace with the
 * claim, applying and patching trainings as a user does (kubectl), reading them back, and the
 * stand-in trainer's files on the node's local claim directory.
 */
final class StandInCluster {
  static final String CLAIM = "arrest-data";
  static final String LABEL_TRAINING = "arrest.dev/training";
  static final String LABEL_STAGE = "arrest.dev/stage";
  static final String LABEL_ATTEMPT = "arrest.dev/attempt";

  private final ControlPlaneSuite.Cluster cluster;
  final String namespace;
  private NodeStandIn node;
  private Supplier<String> operatorLog = () -> "";

  StandInCluster(ControlPlaneSuite.Cluster cluster, String namespace) {
    this.cluster = cluster;
    this.namespace = namespace;
  }

  /**
   * Creates the namespace and its claim (which nothing binds; the node stand-in needs it to exist).
   */
  StandInCluster create() {
    cluster
        .admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    cluster
        .admin
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(CLAIM)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteMany")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
    return this;
  }

  /**
   * The node that runs this namespace's pods and the operator, for the files and failure messages.
   */
  StandInCluster with(NodeStandIn node, Supplier<String> operatorLog) {
    this.node = node;
    this.operatorLog = operatorLog;
    return this;
  }

  /** kubectl apply of a document (one or more trainings). */
  void apply(String yaml) {
    try {
      Path file = Files.createTempFile(cluster.controlPlane.home(), "training-", ".yaml");
      Files.writeString(file, yaml);
      cluster.kubectl("apply", "-n", namespace, "-f", file.toString()).check("kubectl apply");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** kubectl patch --type merge of a training, e.g. {@code {"spec":{"suspend":true}}}. */
  void patch(String name, String mergePatch) {
    cluster
        .kubectl(
            "patch", "arresttraining", name, "-n", namespace, "--type", "merge", "-p", mergePatch)
        .check("kubectl patch " + mergePatch);
  }

  ArrestTraining training(String name) {
    return cluster
        .admin
        .resources(ArrestTraining.class)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  Job job(String name) {
    return cluster.admin.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }

  /** The training's Jobs, by name. */
  List<Job> jobs(String training) {
    return cluster
        .admin
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel(LABEL_TRAINING, training)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(j -> j.getMetadata().getName()))
        .toList();
  }

  List<Pod> pods(String training) {
    return cluster
        .admin
        .pods()
        .inNamespace(namespace)
        .withLabel(LABEL_TRAINING, training)
        .list()
        .getItems();
  }

  /** The Events about the training, oldest first. */
  List<Event> events(String training) {
    return cluster
        .admin
        .v1()
        .events()
        .inNamespace(namespace)
        .withField("involvedObject.name", training)
        .list()
        .getItems()
        .stream()
        .filter(e -> "ArrestTraining".equals(e.getInvolvedObject().getKind()))
        .sorted(Comparator.comparing(e -> String.valueOf(e.getFirstTimestamp())))
        .toList();
  }

  static String describe(List<Event> events) {
    return events.stream()
        .map(e -> e.getType() + " " + e.getReason() + " x" + e.getCount() + ": " + e.getMessage())
        .collect(Collectors.joining("\n", "events:\n", ""));
  }

  static Optional<Condition> condition(ArrestTraining training, String type) {
    if (training == null
        || training.getStatus() == null
        || training.getStatus().conditions == null) {
      return Optional.empty();
    }
    return training.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  /**
   * The local directory of a stage on the node's claim: {@code <claim>/<ns>/<name>/<uid>/<stage>}.
   */
  Path stageDirectory(ArrestTraining training, String stage) {
    return node.claimDirectory(namespace, CLAIM)
        .resolve(StageJobFactory.outputPathInClaim(training, training.getSpec()))
        .resolve(stage);
  }

  List<CheckpointingStandInTrainer.Run> runs(ArrestTraining training, String stage) {
    try {
      return CheckpointingStandInTrainer.runs(stageDirectory(training, stage));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int lastCheckpoint(ArrestTraining training, String stage) {
    try {
      return CheckpointingStandInTrainer.lastCheckpoint(
          stageDirectory(training, stage).resolve(CheckpointingStandInTrainer.CHECKPOINTS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the training to satisfy {@code test}; returns it. */
  ArrestTraining awaitTraining(
      String name, String what, Duration timeout, Predicate<ArrestTraining> test) {
    return await(
        name + ": " + what,
        timeout,
        () -> {
          ArrestTraining training = training(name);
          return training != null && test.test(training) ? training : null;
        });
  }

  <T> T await(String what, Duration timeout, Supplier<T> probe) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      ControlPlaneSuite.sleep(Duration.ofMillis(250));
    }
    throw new AssertionError(
        "timed out after " + timeout + " waiting for " + what + "\n" + state());
  }

  /** What a failure message shows: the namespace's objects and the operator's latest log lines. */
  String state() {
    return cluster
            .kubectl("get", "arresttrainings,jobs,pods", "-n", namespace, "-o", "wide")
            .stdout()
        + "\noperator log:\n"
        + operatorLog.get();
  }

  static String json(Object object) {
    return Serialization.asJson(object);
  }
}
