package dev.arrest.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.ServerCapabilities;
import dev.arrest.operator.testing.CheckpointingStandInTrainer;
import dev.arrest.operator.testing.TrainerCommand;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole path on a real API server: the operator jar runs as the chart's ServiceAccount, the
 * real Job controller and garbage collector do their part, and {@link NodeStandIn} runs the trainer
 * pods with the real trainer jar on a tiny Fashion-MNIST budget. The last test checks that the
 * operator used every RBAC rule the chart grants it and needed no other.
 */
@Tag("control-plane")
@ExtendWith(ControlPlaneSuite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingOnApiServerTest {
  private static final String NS = "ml-e2e";

  /** Trainings of the stand-in trainer that checkpoints and resumes, for the run lifecycle. */
  private static final String NS_LIFECYCLE = "ml-lifecycle";

  /** A namespace whose ResourceQuota allows no pods. */
  private static final String NS_QUOTA = "ml-quota";

  private static final Duration LIFECYCLE_TIMEOUT = Duration.ofMinutes(3);
  private static final String CLAIM = "arrest-data";
  private static final String LABEL_TRAINING = "arrest.dev/training";
  private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(5);

  private static ControlPlaneSuite.Cluster cluster;
  private static NodeStandIn node;
  private static OperatorProcess operator;
  private static StandInCluster lifecycle;
  private static StandInCluster quota;
  private static Watch progressWatch;
  private static final List<TrainingProgress> progressSeen =
      Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void setUp(ControlPlaneSuite.Cluster suite) throws Exception {
    String missing = TrainerCommand.missingPrerequisite();
    assumeTrue(missing == null, missing);
    assumeTrue(
        Files.isRegularFile(OperatorProcess.OPERATOR_JAR),
        "target/arrest-operator.jar not found: run" + " `mvn package -DskipTests` first");
    cluster = suite;
    cluster
        .admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    // The example's claim. Nothing binds it (no volume provisioner here); the node stand-in only
    // needs it to exist, and keeps pods that mount a missing claim Pending, as the scheduler would.
    cluster
        .admin
        .persistentVolumeClaims()
        .inNamespace(NS)
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
    lifecycle = new StandInCluster(cluster, NS_LIFECYCLE).create();
    quota = new StandInCluster(cluster, NS_QUOTA).create();
    cluster
        .admin
        .resourceQuotas()
        .inNamespace(NS_QUOTA)
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("no-pods")
                .endMetadata()
                .withNewSpec()
                .addToHard("pods", new Quantity("0"))
                .endSpec()
                .build())
        .create();
    // The real trainer in NS, the stand-in that checkpoints each 1 s epoch in NS_LIFECYCLE.
    node =
        new NodeStandIn(
            cluster.admin,
            Map.of(
                NS,
                TrainerCommand::map,
                NS_LIFECYCLE,
                commandLine -> CheckpointingStandInTrainer.command(commandLine, 1000)),
            cluster.controlPlane.home().resolve("node"),
            List.of(NodeStandIn.NODE_NAME));
    operator =
        new OperatorProcess(
            cluster.operatorDeployment(),
            cluster.operatorKubeconfig,
            cluster.controlPlane.home().resolve("operator"));
    lifecycle.with(node, () -> operator.logTail(30));
    quota.with(node, () -> operator.logTail(30));
    // The real Prometheus scrapes the operator as the chart's ServiceMonitor would have it scrape
    // the pod: the target's labels are the operator's namespace, pod, Service and container.
    cluster.prometheus.scrape(
        operator.metricsPort(),
        Map.of(
            "namespace",
            ControlPlaneSuite.RELEASE_NAMESPACE,
            "pod",
            operator.podName(),
            "service",
            cluster.metricsJob,
            "container",
            operator.containerName(),
            "endpoint",
            "metrics"));
    operator.start();
    cluster.prometheus.awaitHealthyTarget(Duration.ofSeconds(30));
    progressWatch =
        cluster
            .admin
            .resources(ArrestTraining.class)
            .inNamespace(NS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ArrestTraining training) {
                    if (training.getStatus() != null && training.getStatus().progress != null) {
                      progressSeen.add(training.getStatus().progress);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  /** A test that failed while the operator was stopped must not take the next one down with it. */
  @BeforeEach
  void operatorRuns() throws Exception {
    if (!operator.isAlive()) {
      operator.start();
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      if (progressWatch != null) {
        progressWatch.close();
      }
      if (operator != null) {
        System.out.println("operator log: " + operator.logFile());
        operator.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  @Test
  @Order(1)
  void theClusterExampleSucceedsThroughAnOperatorKill() throws Exception {
    String name = "fashion-mnist-quick";
    Instant begin = Instant.now();
    ObjectNode example = tinyClusterExample(name, 1);
    // A reference curve of its own, so that the training has a tradeoff score for the dashboard.
    ArrayNode reference =
        ((ObjectNode) example.with("spec").with("evaluation"))
            .putObject("tradeoff")
            .put("degree", 2)
            .putArray("points");
    double[][] published = {{70, 52}, {80, 44}, {90, 30}};
    for (int i = 0; i < published.length; i++) {
      reference
          .addObject()
          .put("method", "reference-" + i)
          .put("standardAccuracy", published[i][0])
          .put("robustAccuracy", published[i][1])
          .put("source", "control-plane suite");
    }
    apply(example);

    // Kill the operator (SIGKILL: no shutdown hook) while the pretrain pod runs, and let the stage
    // finish while it is down: the Job controller completes the Job without it.
    Pod pretrainPod =
        awaitValue(
            "a running pretrain pod",
            STAGE_TIMEOUT,
            () ->
                pods(name).stream()
                    .filter(pod -> node.isRunning(NS, pod.getMetadata().getName()))
                    .findFirst()
                    .orElse(null));
    Job pretrain = job(name + "-pretrain");
    assertNotNull(pretrain, "the pretrain Job");
    operator.kill();
    awaitValue(
        "the pretrain Job to complete while the operator is down",
        STAGE_TIMEOUT,
        () -> complete(job(name + "-pretrain")) ? true : null);
    assertNull(job(name + "-finetune"), "a finetune Job appeared while the operator was down");

    operator.start();
    kubectlWait("condition=Ready", name, Duration.ofMinutes(10));

    ArrestTraining training = training(name);
    var status = training.getStatus();
    assertEquals(TrainingPhase.SUCCEEDED, status.phase, () -> Serialization.asJson(status));
    double standard = status.results.standardAccuracy;
    double robust = status.results.robustAccuracy;
    System.out.printf(
        "tiny cluster example on the control plane: standard accuracy %.4f, robust accuracy %.4f%n",
        standard, robust);
    // 512 images and 2 + 1 epochs beat chance (0.1) on Fashion-MNIST; the worst case cannot beat
    // clean accuracy.
    assertTrue(standard > 0.2 && standard <= 1.0, "standard accuracy " + standard);
    assertTrue(robust >= 0.0 && robust <= standard, "robust accuracy " + robust);
    assertEquals(200, status.results.samples);
    assertEquals(StagePhase.SUCCEEDED, status.stages.pretrain.phase);
    assertEquals(StagePhase.SUCCEEDED, status.stages.finetune.phase);
    assertEquals(StagePhase.SUCCEEDED, status.stages.evaluate.phase);
    assertEquals(2, status.stages.pretrain.epochs, "pretrain epochs from its termination message");
    assertEquals(training.getMetadata().getGeneration(), status.observedGeneration);

    // No duplicate Jobs: one per stage, the pretrain Job the one from before the kill, one pod
    // each.
    List<Job> jobs = jobs(name);
    assertEquals(
        Set.of(name + "-pretrain", name + "-finetune", name + "-evaluate"),
        jobs.stream().map(j -> j.getMetadata().getName()).collect(Collectors.toSet()));
    assertEquals(3, jobs.size());
    assertEquals(pretrain.getMetadata().getUid(), job(name + "-pretrain").getMetadata().getUid());
    assertEquals(
        pretrainPod.getMetadata().getUid(),
        pods(name).stream()
            .filter(p -> p.getMetadata().getName().startsWith(name + "-pretrain"))
            .findFirst()
            .orElseThrow()
            .getMetadata()
            .getUid(),
        "the pretrain stage ran once");
    for (Job job : jobs) {
      assertEquals(1, job.getStatus().getSucceeded(), job.getMetadata().getName());
      assertEquals(
          1,
          cluster
              .admin
              .pods()
              .inNamespace(NS)
              .withLabel("job-name", job.getMetadata().getName())
              .list()
              .getItems()
              .size(),
          "pods of " + job.getMetadata().getName());
    }

    // kubectl get shows the printer columns (read by their headers: empty cells, such as
    // RESTARTS, leave no token).
    Map<String, String> row =
        printerColumns(
            cluster.kubectl("get", "arrest", name, "-n", NS).check("kubectl get").stdout());
    assertEquals(name, row.get("NAME"), row.toString());
    assertEquals("Succeeded", row.get("PHASE"), row.toString());
    assertEquals("Succeeded", row.get("REASON"), row.toString());
    assertEquals("done", row.get("PROGRESS"), row.toString());
    assertEquals("", row.get("RESTARTS"), row.toString());
    assertEquals(robust, Double.parseDouble(row.get("ROBUST")), 1e-9, "ROBUST column");
    assertEquals(standard, Double.parseDouble(row.get("STANDARD")), 1e-9, "STANDARD column");
    assertTrue(
        cluster.kubectl("get", "ml", "-n", NS).check("kubectl get ml").stdout().contains(name),
        "the ml category lists the training");

    // Progress came from the trainer pods' logs, through the API server's pods/log and the node's
    // kubelet port.
    assertTrue(
        progressSeen.stream().anyMatch(p -> p.epoch != null && p.fraction != null),
        "no progress from the trainer's log reached the status: "
            + progressSeen.stream().map(p -> p.stage + ":" + p.summary).distinct().toList());

    // /metrics of the restarted operator.
    String metrics = operator.metrics();
    String labels = "{namespace=\"" + NS + "\",name=\"" + name + "\",method=\"arrest\",}";
    assertTrue(
        metrics.contains("arrest_training_standard_accuracy" + labels + " " + standard), metrics);
    assertTrue(
        metrics.contains(
            "arrest_training_robust_accuracy{namespace=\""
                + NS
                + "\",name=\""
                + name
                + "\",method=\"arrest\",attack=\"worst-case\",} "
                + robust),
        metrics);
    assertTrue(
        metrics.contains(
            "arrest_training_phase{namespace=\""
                + NS
                + "\",name=\""
                + name
                + "\",method=\"arrest\",phase=\"Succeeded\",} 1.0"),
        metrics);

    // Monitoring through a real Prometheus that scraped the operator (also while it was killed and
    // restarted): /metrics follows Prometheus' naming conventions, the chart's alert rules loaded,
    // and every query of the Grafana dashboard returns what its panel shows.
    assertEquals("", promtoolCheckMetrics(metrics));
    awaitValue(
        "prometheus to scrape the training's results",
        Duration.ofSeconds(30),
        () ->
            cluster
                    .prometheus
                    .query("arrest_training_tradeoff_score{name=\"" + name + "\"}", Instant.now())
                    .at("/result")
                    .isEmpty()
                ? null
                : true);
    for (JsonNode group : cluster.prometheus.rules()) {
      for (JsonNode rule : group.at("/rules")) {
        assertEquals("ok", rule.at("/health").asText(), rule.toString());
      }
    }
    List<String> problems =
        new DashboardQueries(
                cluster.chart.resolve("dashboards").resolve("arrest-operator.json"),
                cluster.prometheus)
            .problems(
                begin,
                Instant.now(),
                Map.of(
                    "Time to stage end",
                    "the trainer's ETA is cleared from the status once the training has succeeded,"
                        + " and this panel shows the latest value only"));
    assertEquals(
        List.of(), problems, "dashboard queries; prometheus log: " + cluster.prometheus.log());

    // Events, deduplicated across the restart.
    List<Event> events = events(name);
    Map<String, List<Event>> byReason =
        events.stream().collect(Collectors.groupingBy(Event::getReason));
    assertEquals(3, byReason.getOrDefault("StageStarted", List.of()).size(), describe(events));
    assertEquals(3, byReason.getOrDefault("StageSucceeded", List.of()).size(), describe(events));
    assertEquals(1, byReason.getOrDefault("Succeeded", List.of()).size(), describe(events));
    assertTrue(
        byReason.get("Succeeded").get(0).getMessage().contains("standard accuracy"),
        describe(events));
    assertTrue(
        events.stream()
            .allMatch(
                e ->
                    "arrest-operator".equals(e.getSource().getComponent())
                        && "Normal".equals(e.getType())),
        describe(events));

    // Deleting the training deletes its Jobs and their pods (garbage collector).
    cluster.kubectl("delete", "arresttraining", name, "-n", NS).check("kubectl delete");
    awaitJobsAndPodsGarbageCollected(name);
    awaitValue(
        "the training's metric series to go",
        Duration.ofSeconds(30),
        () -> operator.metrics().contains("name=\"" + name + "\"") ? null : true);
  }

  @Test
  @Order(2)
  void aCorruptDatasetFailsTheTrainingWithTheTrainersMessage() throws Exception {
    // A dataset directory whose training images file is cut short. The node stand-in's containers
    // see this machine's file system, so the path is a local one (in a cluster it would be inside
    // the image or the claim).
    Path corrupt =
        Files.createDirectories(cluster.controlPlane.home().resolve("corrupt-fashion-mnist"));
    for (String file :
        List.of("train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
      Files.copy(
          TrainerCommand.FASHION_MNIST.resolve(file + ".gz"),
          corrupt.resolve(file + ".gz"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try (InputStream in =
            new GZIPInputStream(
                Files.newInputStream(
                    TrainerCommand.FASHION_MNIST.resolve("train-images-idx3-ubyte.gz")));
        OutputStream out = Files.newOutputStream(corrupt.resolve("train-images-idx3-ubyte"))) {
      out.write(in.readNBytes(16 + 28 * 28 * 100));
    }
    String name = "corrupt-dataset";
    ObjectNode training = tinyClusterExample(name, 0);
    ((ObjectNode) training.with("spec").with("dataset")).put("path", corrupt.toString());

    // An operator that crashed after recording an Event but before writing the status that goes
    // with it: the training exists, the Event too (the first one the operator records on a
    // training, that this 1.20 server has no podFailurePolicy), no Job yet. Its successor records
    // the same Event again, which must raise the count of the existing one (a deterministic name,
    // get, then patch), not add a second Event. (A StageStarted Event would say that the stage's
    // Job had been created: without the Job, the operator would take it as deleted and start the
    // next attempt.) A planned stop (SIGTERM) first.
    int exitCode = operator.stop();
    assertTrue(
        exitCode == 0 || exitCode == 128 + 15,
        "exit code of the operator after SIGTERM: " + exitCode);
    apply(training);
    ArrestTraining created = training(name);
    String leftMessage = ServerCapabilities.OLDEST.fallbackSummary().orElseThrow();
    String eventName =
        TrainingEvents.eventName(created, "Normal", "ServerFeatureMissing", leftMessage);
    String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    cluster
        .admin
        .v1()
        .events()
        .inNamespace(NS)
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(eventName)
                .withNamespace(NS)
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(created.getApiVersion())
                .withKind("ArrestTraining")
                .withNamespace(NS)
                .withName(name)
                .withUid(created.getMetadata().getUid())
                .endInvolvedObject()
                .withType("Normal")
                .withReason("ServerFeatureMissing")
                .withMessage(leftMessage)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource()
                .withComponent("arrest-operator")
                .endSource()
                .withReportingComponent("arrest-operator")
                .build())
        .create();
    operator.start();

    kubectlWait("condition=Failed", name, STAGE_TIMEOUT);
    ArrestTraining failed = training(name);
    var status = failed.getStatus();
    assertEquals(TrainingPhase.FAILED, status.phase);
    assertEquals(StagePhase.FAILED, status.stages.pretrain.phase);
    assertEquals(StagePhase.PENDING, status.stages.finetune.phase);
    String message = status.stages.pretrain.message;
    // The trainer's own words, from its termination message: which file, what it expected, what it
    // found.
    assertTrue(
        message.contains("pretrain failed")
            && message.contains("train-images-idx3-ubyte")
            && message.contains("truncated"),
        message);
    var condition =
        status.conditions.stream()
            .filter(c -> c.getType().equals("Failed"))
            .findFirst()
            .orElseThrow();
    assertEquals("True", condition.getStatus());
    assertEquals("StageFailed", condition.getReason());
    assertEquals(message, condition.getMessage());
    assertTrue(
        events(name).stream()
            .anyMatch(
                e ->
                    "Warning".equals(e.getType())
                        && "StageFailed".equals(e.getReason())
                        && e.getMessage().contains("truncated")),
        describe(events(name)));
    Job job = job(name + "-pretrain");
    assertTrue(
        job.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Failed") && c.getStatus().equals("True")),
        "the Job controller failed the Job");
    assertNull(job(name + "-finetune"));
    // The chart's ArrestTrainingFailed alert, evaluated by the real Prometheus, is pending (it
    // fires after 1m).
    awaitValue(
        "ArrestTrainingFailed pending for " + name,
        Duration.ofSeconds(30),
        () ->
            cluster
                    .prometheus
                    .query(
                        "ALERTS{alertname=\"ArrestTrainingFailed\", name=\"" + name + "\"}",
                        Instant.now())
                    .at("/result")
                    .isEmpty()
                ? null
                : true);
    assertTrue(
        operator
            .metrics()
            .contains(
                "arrest_training_phase{namespace=\""
                    + NS
                    + "\",name=\""
                    + name
                    + "\",method=\"arrest\",phase=\"Failed\",} 1.0"));
    List<Event> left =
        events(name).stream()
            .filter(e -> "ServerFeatureMissing".equals(e.getReason()))
            .filter(e -> leftMessage.equals(e.getMessage()))
            .toList();
    assertEquals(1, left.size(), describe(events(name)));
    assertEquals(eventName, left.get(0).getMetadata().getName());
    assertEquals(2, left.get(0).getCount(), "the repeated Event's count");
    List<Event> started =
        events(name).stream().filter(e -> "StageStarted".equals(e.getReason())).toList();
    assertEquals(1, started.size(), describe(events(name)));
    assertEquals("stage pretrain started: Job " + name + "-pretrain", started.get(0).getMessage());
  }

  @Test
  @Order(3)
  void deletingARunningTrainingStopsItsTrainer() throws Exception {
    String name = "deleted-while-running";
    apply(tinyClusterExample(name, 1));
    Pod running =
        awaitValue(
            "a running pretrain pod",
            STAGE_TIMEOUT,
            () ->
                pods(name).stream()
                    .filter(pod -> node.isRunning(NS, pod.getMetadata().getName()))
                    .findFirst()
                    .orElse(null));
    cluster
        .kubectl("delete", "arresttraining", name, "-n", NS, "--wait=false")
        .check("kubectl delete");
    awaitJobsAndPodsGarbageCollected(name);
    assertFalse(
        node.isRunning(NS, running.getMetadata().getName()), "the trainer process still runs");
  }

  // ---- The run lifecycle, with the stand-in trainer that checkpoints every epoch and resumes ----

  @Test
  @Order(4)
  void aJobTheApiServerRefusesFailsTheTrainingNamingTheFieldBeforeAnyJobExists() {
    String name = "bad-node-selector";
    // The CRD takes any string as a nodeSelector value; only the API server's Job validation knows
    // label syntax. The operator's dry-run create of the first Job asks it before creating any.
    lifecycle.apply(
        Trainings.standInYaml(
            name,
            NS_LIFECYCLE,
            1,
            1,
            1,
            """
            scheduling:
              nodeSelector:
                accelerator: "bad value!"
            """));
    ArrestTraining failed =
        lifecycle.awaitTraining(
            name,
            "phase Failed",
            LIFECYCLE_TIMEOUT,
            t -> t.getStatus() != null && t.getStatus().phase == TrainingPhase.FAILED);
    var condition = StandInCluster.condition(failed, "Failed").orElseThrow();
    System.out.println("JobRejected: " + condition.getMessage());
    assertEquals("True", condition.getStatus());
    assertEquals("JobRejected", condition.getReason());
    assertTrue(
        condition.getMessage().contains("spec.template.spec.nodeSelector")
            && condition.getMessage().contains("bad value!"),
        condition.getMessage());
    assertEquals(List.of(), lifecycle.jobs(name), "a Job the server refuses is never created");
    assertNull(failed.getStatus().stages, StandInCluster.json(failed.getStatus()));
    assertTrue(
        lifecycle.events(name).stream()
            .anyMatch(
                e ->
                    "Warning".equals(e.getType())
                        && "JobRejected".equals(e.getReason())
                        && e.getMessage().contains("spec.template.spec.nodeSelector")),
        StandInCluster.describe(lifecycle.events(name)));
  }

  @Test
  @Order(5)
  void suspendingStopsTheStageAndResumingContinuesFromItsLastCheckpoint() throws Exception {
    String name = "suspended";
    String yaml = Trainings.standInYaml(name, NS_LIFECYCLE, 2, 8, 1, "");
    lifecycle.apply(yaml);
    ArrestTraining created =
        lifecycle.awaitTraining(
            name,
            "its output path",
            LIFECYCLE_TIMEOUT,
            t -> t.getStatus() != null && t.getStatus().output != null);
    lifecycle.await(
        "2 pretrain checkpoints",
        LIFECYCLE_TIMEOUT,
        () -> lifecycle.lastCheckpoint(created, "pretrain") >= 2 ? true : null);

    lifecycle.patch(name, "{\"spec\":{\"suspend\":true}}");
    ArrestTraining suspended =
        lifecycle.awaitTraining(
            name,
            "phase Suspended",
            LIFECYCLE_TIMEOUT,
            t -> t.getStatus().phase == TrainingPhase.SUSPENDED);
    lifecycle.await(
        "the pretrain Job and its pod to be gone",
        LIFECYCLE_TIMEOUT,
        () -> lifecycle.jobs(name).isEmpty() && lifecycle.pods(name).isEmpty() ? true : null);
    var pretrain = suspended.getStatus().stages.pretrain;
    assertEquals(StagePhase.PENDING, pretrain.phase, StandInCluster.json(suspended.getStatus()));
    assertEquals(1, pretrain.attempt, "the resumed stage runs as attempt 1");
    assertNull(pretrain.restarts, "a suspension is no restart");
    var progressing = StandInCluster.condition(suspended, "Progressing").orElseThrow();
    assertEquals("False", progressing.getStatus());
    assertEquals("Suspended", progressing.getReason());
    int atSuspension = lifecycle.lastCheckpoint(created, "pretrain");
    assertTrue(
        atSuspension < 8,
        "pretrain finished before the suspension took effect; lengthen it: "
            + lifecycle.runs(created, "pretrain"));
    ControlPlaneSuite.sleep(Duration.ofSeconds(2));
    assertEquals(
        atSuspension,
        lifecycle.lastCheckpoint(created, "pretrain"),
        "a trainer wrote checkpoints while suspended");

    lifecycle.patch(name, "{\"spec\":{\"suspend\":false}}");
    ArrestTraining done =
        lifecycle.awaitTraining(
            name,
            "phase Succeeded",
            LIFECYCLE_TIMEOUT,
            t -> t.getStatus().phase == TrainingPhase.SUCCEEDED);
    Job resumed = lifecycle.job(name + "-pretrain-r1");
    assertNotNull(resumed, "the resumed pretrain Job " + name + "-pretrain-r1");
    assertEquals("1", resumed.getMetadata().getLabels().get(StandInCluster.LABEL_ATTEMPT));
    List<CheckpointingStandInTrainer.Run> runs = lifecycle.runs(created, "pretrain");
    assertEquals(2, runs.size(), runs.toString());
    assertEquals(atSuspension, runs.get(1).resumedFromEpoch(), "resumed from the last checkpoint");
    assertEquals(
        epochs(atSuspension + 1, 8), runs.get(1).epochsRun(), "the epochs left, once each");
    assertResultsOfAnUndisturbedRun(yaml, done);
    List<String> reasons = lifecycle.events(name).stream().map(Event::getReason).toList();
    assertTrue(
        reasons.contains("Suspended") && reasons.contains("Resumed"),
        StandInCluster.describe(lifecycle.events(name)));
  }

  @Test
  @Order(6)
  void aFailedTrainingRunsAgainFromItsCheckpointsWhenItsRestartNonceChanges() throws Exception {
    String name = "rerun";
    String yaml =
        Trainings.standInYaml(name, NS_LIFECYCLE, 3, 3, 1, "runPolicy:\n  backoffLimit: 0\n");
    lifecycle.apply(yaml);
    // The trainer fails its pretrain stage after the first epoch while this file exists.
    ArrestTraining created = lifecycle.training(name);
    Path failFile =
        lifecycle
            .stageDirectory(created, "pretrain")
            .resolve(CheckpointingStandInTrainer.FAIL_FILE);
    Files.createDirectories(failFile.getParent());
    Files.writeString(failFile, "fail after the first epoch\n");
    ArrestTraining failed =
        lifecycle.awaitTraining(
            name,
            "phase Failed",
            LIFECYCLE_TIMEOUT,
            t -> t.getStatus() != null && t.getStatus().phase == TrainingPhase.FAILED);
    var condition = StandInCluster.condition(failed, "Failed").orElseThrow();
    assertEquals("StageFailed", condition.getReason(), condition.getMessage());
    assertTrue(condition.getMessage().contains("after epoch 1"), condition.getMessage());

    Files.delete(failFile);
    lifecycle.patch(name, "{\"spec\":{\"restartNonce\":1}}");
    ArrestTraining done =
        lifecycle.awaitTraining(
            name,
            "phase Succeeded",
            LIFECYCLE_TIMEOUT,
            t -> t.getStatus().phase == TrainingPhase.SUCCEEDED);
    assertEquals(1L, done.getStatus().restartNonce);
    // The failed attempt's Job may be gone: the next attempt starts once it and its pods are.
    List<String> jobs = lifecycle.jobs(name).stream().map(j -> j.getMetadata().getName()).toList();
    assertEquals(
        List.of(name + "-evaluate", name + "-finetune", name + "-pretrain-r1"),
        jobs.stream().filter(job -> !job.equals(name + "-pretrain")).toList());
    List<CheckpointingStandInTrainer.Run> runs = lifecycle.runs(created, "pretrain");
    assertEquals(2, runs.size(), runs.toString());
    assertEquals(CheckpointingStandInTrainer.Run.FAILED, runs.get(0).outcome());
    assertEquals(List.of(1), runs.get(0).epochsRun());
    assertEquals(1, runs.get(1).resumedFromEpoch(), "the re-run resumed from the checkpoint");
    assertEquals(List.of(2, 3), runs.get(1).epochsRun());
    assertResultsOfAnUndisturbedRun(yaml, done);
    assertTrue(
        lifecycle.events(name).stream().anyMatch(e -> "Rerun".equals(e.getReason())),
        StandInCluster.describe(lifecycle.events(name)));
  }

  @Test
  @Order(7)
  void finishedJobsAndThenTheTrainingItselfAreDeletedAfterTheirTtls() {
    String name = "expiring";
    int ttl = 10;
    lifecycle.apply(
        Trainings.standInYaml(
            name,
            NS_LIFECYCLE,
            4,
            1,
            1,
            "runPolicy:\n  jobTtlSecondsAfterFinished: 0\n  ttlSecondsAfterFinished: "
                + ttl
                + "\n"));
    ArrestTraining done =
        lifecycle.awaitTraining(
            name,
            "phase Succeeded",
            LIFECYCLE_TIMEOUT,
            t -> t.getStatus() != null && t.getStatus().phase == TrainingPhase.SUCCEEDED);
    Instant completed = Instant.parse(done.getStatus().completionTime);
    // Each Job goes once its outcome is stored, the training still there.
    lifecycle.await(
        "the operator to delete the finished stage Jobs",
        Duration.ofSeconds(ttl),
        () -> lifecycle.jobs(name).isEmpty() ? true : null);
    assertNotNull(lifecycle.training(name), "the training went before its ttlSecondsAfterFinished");
    assertTrue(
        done.getStatus().stages.evaluate.jobName != null && done.getStatus().results != null,
        "the outcome was stored: " + StandInCluster.json(done.getStatus()));
    Instant lastSeen = Instant.now();
    while (lifecycle.training(name) != null) {
      lastSeen = Instant.now();
      assertTrue(
          lastSeen.isBefore(completed.plusSeconds(ttl + 60)),
          "the training is still there a minute after its ttlSecondsAfterFinished");
      ControlPlaneSuite.sleep(Duration.ofMillis(250));
    }
    // completionTime is cut to the second.
    assertTrue(
        !lastSeen.isBefore(completed.plusSeconds(ttl - 1)),
        "deleted at " + lastSeen + ", before completionTime " + completed + " + " + ttl + " s");
    assertTrue(
        lifecycle.events(name).stream().anyMatch(e -> "Succeeded".equals(e.getReason())),
        "its Events stay: " + StandInCluster.describe(lifecycle.events(name)));
  }

  @Test
  @Order(8)
  void aPodTheQuotaRefusesShowsInStatusAndFailsTheTrainingAtTheStartTimeout() {
    String name = "over-quota";
    quota.apply(
        Trainings.standInYaml(name, NS_QUOTA, 5, 1, 1, "runPolicy:\n  startTimeoutSeconds: 15\n"));
    // While it waits, the status says why: the Job controller's FailedCreate Event.
    ArrestTraining waiting =
        quota.awaitTraining(
            name,
            "Progressing with reason JobCreateFailed",
            LIFECYCLE_TIMEOUT,
            t ->
                StandInCluster.condition(t, "Progressing")
                    .map(c -> "JobCreateFailed".equals(c.getReason()))
                    .orElse(false));
    String blocked = StandInCluster.condition(waiting, "Progressing").orElseThrow().getMessage();
    assertTrue(blocked.contains("exceeded quota") || blocked.contains("forbidden"), blocked);
    ArrestTraining failed =
        quota.awaitTraining(
            name,
            "phase Failed",
            LIFECYCLE_TIMEOUT,
            t -> t.getStatus().phase == TrainingPhase.FAILED);
    var condition = StandInCluster.condition(failed, "Failed").orElseThrow();
    System.out.println("JobCreateFailed: " + condition.getMessage());
    assertEquals("JobCreateFailed", condition.getReason());
    assertTrue(
        condition.getMessage().contains("startTimeoutSeconds (15 s)")
            && condition.getMessage().contains("no-pods"),
        condition.getMessage());
    assertEquals(List.of(), quota.pods(name));
    quota.await(
        "the stage Job to be deleted",
        LIFECYCLE_TIMEOUT,
        () -> quota.jobs(name).isEmpty() ? true : null);
    assertTrue(
        quota.events(name).stream()
            .anyMatch(
                e -> "Warning".equals(e.getType()) && "JobCreateFailed".equals(e.getReason())),
        StandInCluster.describe(quota.events(name)));
  }

  private static void assertResultsOfAnUndisturbedRun(String yaml, ArrestTraining done) {
    CheckpointingStandInTrainer.Expected expected =
        CheckpointingStandInTrainer.expected(Trainings.parse(yaml));
    assertEquals(expected.standardAccuracy(), done.getStatus().results.standardAccuracy);
    assertEquals(expected.robustAccuracy(), done.getStatus().results.robustAccuracy);
  }

  private static List<Integer> epochs(int from, int to) {
    return java.util.stream.IntStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  @Order(20)
  void theOperatorUsedEveryRbacRuleItIsGrantedAndNoOther() throws Exception {
    String log = operator.log();
    List<RbacUsage.Request> requests = RbacUsage.requests(log);
    assertTrue(
        requests.size() > 20, "too few requests in the operator's HTTP trace: " + requests.size());
    List<RbacUsage.Grant> grants =
        RbacUsage.grants(
            cluster.admin, ControlPlaneSuite.RELEASE_NAMESPACE, cluster.serviceAccount);
    List<RbacUsage.Grant> everyone =
        RbacUsage.defaultGrants(cluster.admin, ControlPlaneSuite.RELEASE_NAMESPACE);
    List<RbacUsage.Grant> all = new ArrayList<>(grants);
    all.addAll(everyone);
    assertEquals(Set.of(), RbacUsage.ungranted(requests, all), "requests no rule grants");
    Set<String> unused = new java.util.TreeSet<>(RbacUsage.unused(requests, grants));
    // Used by the API server's OwnerReferencesPermissionEnforcement admission plugin, not by a
    // request: it lets only who may update an owner's finalizers set blockOwnerDeletion on its
    // dependents (the stage Jobs). This control plane does not enable that plugin (OpenShift and
    // hardened clusters do), so the rule cannot be used here.
    unused.removeIf(
        grant -> grant.startsWith("update arrest.dev/arresttrainings/finalizers (all namespaces)"));
    // JOSDK's leader election checks at start, by a SelfSubjectRulesReview, that the Lease may be
    // created, read and updated, and refuses to start otherwise; Fabric8's LeaseLock then renews by
    // patch, so update shows up only there.
    assertTrue(
        requests.stream()
            .anyMatch(
                r -> r.verb().equals("create") && r.resource().equals("selfsubjectrulesreviews")),
        "JOSDK's SelfSubjectRulesReview");
    unused.removeIf(
        grant ->
            grant.startsWith(
                "update coordination.k8s.io/leases in "
                    + ControlPlaneSuite.RELEASE_NAMESPACE
                    + " named [arrest-operator-leader]"));
    assertEquals(
        Set.of(),
        unused,
        "rules the operator never used in this suite (grant less, or exercise them here)");
    // Nothing was refused, and the operator did not log errors or stack traces of its own.
    List<String> own =
        log.lines().filter(line -> !line.contains(OperatorProcess.HTTP_LOGGER)).toList();
    assertEquals(
        List.of(),
        own.stream().filter(line -> line.contains("Forbidden") || line.contains(" 403 ")).toList());
    assertEquals(List.of(), own.stream().filter(line -> line.contains(" ERROR ")).toList());
    assertEquals(3, operator.starts());
    assertEquals(200, operator.healthStatus(), "/healthz");
    assertEquals(List.of(), node.problems(), "the node stand-in's own problems");
  }

  // ---- helpers ----

  /** The one row of a {@code kubectl get} table, by column header, cut where each header starts. */
  private static Map<String, String> printerColumns(String table) {
    List<String> lines = table.lines().filter(line -> !line.isBlank()).toList();
    assertEquals(2, lines.size(), table);
    String header = lines.get(0);
    String row = lines.get(1);
    java.util.regex.Matcher headers = java.util.regex.Pattern.compile("\\S+").matcher(header);
    List<int[]> spans = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (headers.find()) {
      names.add(headers.group());
      spans.add(new int[] {headers.start(), header.length()});
    }
    for (int i = 0; i + 1 < spans.size(); i++) {
      spans.get(i)[1] = spans.get(i + 1)[0];
    }
    Map<String, String> cells = new java.util.LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      int from = Math.min(spans.get(i)[0], row.length());
      int to = i + 1 < names.size() ? Math.min(spans.get(i)[1], row.length()) : row.length();
      cells.put(names.get(i), row.substring(from, to).strip());
    }
    return cells;
  }

  /** promtool check metrics on a /metrics text: its complaints, empty when there are none. */
  private static String promtoolCheckMetrics(String metrics) throws IOException {
    Path file = Files.createTempFile(cluster.controlPlane.home(), "metrics-", ".txt");
    Files.writeString(file, metrics);
    String promtool = System.getenv().getOrDefault("PROMTOOL", "promtool");
    Cli.Result result =
        Cli.run(
            List.of("sh", "-c", "\"$0\" check metrics < \"$1\"", promtool, file.toString()),
            Duration.ofMinutes(1));
    assertTrue(
        result.exitCode() == 0 || result.exitCode() == 3,
        "promtool check metrics failed to run: " + result.stderr());
    return (result.stdout() + result.stderr()).strip();
  }

  /** examples/fashion-mnist-cluster.yaml with its platform fields, on a budget of seconds. */
  private static ObjectNode tinyClusterExample(String name, int backoffLimit) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode training =
        (ObjectNode) yaml.readTree(Path.of("examples", "fashion-mnist-cluster.yaml").toFile());
    ((ObjectNode) training.get("metadata")).put("name", name);
    ObjectNode spec = (ObjectNode) training.get("spec");
    ((ObjectNode) spec.get("dataset")).put("trainSubset", 512);
    ((ObjectNode) spec.get("pretraining")).put("epochs", 2).put("batchSize", 64);
    ObjectNode finetuning = (ObjectNode) spec.get("finetuning");
    finetuning.put("epochs", 1).put("batchSize", 64);
    ((ObjectNode) finetuning.get("attack")).put("steps", 2);
    ObjectNode evaluation = (ObjectNode) spec.get("evaluation");
    evaluation.put("samples", 200);
    ArrayNode attacks = evaluation.putArray("attacks");
    attacks.addObject().put("type", "pgd").put("steps", 5);
    ((ObjectNode) spec.get("runPolicy")).put("backoffLimit", backoffLimit);
    assertEquals(CLAIM, spec.get("storage").get("claimName").asText(), "the example's claim");
    return training;
  }

  private static void apply(ObjectNode training) throws IOException {
    Path file = Files.createTempFile(cluster.controlPlane.home(), "training-", ".yaml");
    new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), training);
    cluster.kubectl("apply", "-n", NS, "-f", file.toString()).check("kubectl apply");
  }

  private static void kubectlWait(String condition, String name, Duration timeout) {
    Cli.Result waited =
        cluster.kubectl(
            timeout.plusSeconds(30),
            "wait",
            "--for=" + condition,
            "arresttraining/" + name,
            "-n",
            NS,
            "--timeout=" + timeout.toSeconds() + "s");
    if (!waited.ok()) {
      throw new AssertionError(
          "kubectl wait --for="
              + condition
              + " "
              + name
              + " failed: "
              + waited.errors()
              + "\nstatus: "
              + Serialization.asJson(training(name).getStatus())
              + "\njobs: "
              + cluster.kubectl("get", "jobs,pods", "-n", NS, "-o", "wide").stdout()
              + "\noperator log:\n"
              + operator.logTail(30));
    }
  }

  private static ArrestTraining training(String name) {
    return cluster.admin.resources(ArrestTraining.class).inNamespace(NS).withName(name).get();
  }

  private static Job job(String name) {
    return cluster.admin.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private static boolean complete(Job job) {
    return job != null
        && job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Waits until the garbage collector has deleted a deleted training's Jobs and their pods. */
  private static void awaitJobsAndPodsGarbageCollected(String training) {
    awaitValue(
        "the Jobs and pods to be garbage-collected",
        Duration.ofMinutes(2),
        () -> jobs(training).isEmpty() && pods(training).isEmpty() ? true : null);
  }

  private static List<Job> jobs(String training) {
    return cluster
        .admin
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withLabel(LABEL_TRAINING, training)
        .list()
        .getItems();
  }

  private static List<Pod> pods(String training) {
    return cluster
        .admin
        .pods()
        .inNamespace(NS)
        .withLabel(LABEL_TRAINING, training)
        .list()
        .getItems();
  }

  private static List<Event> events(String training) {
    return cluster
        .admin
        .v1()
        .events()
        .inNamespace(NS)
        .withField("involvedObject.name", training)
        .list()
        .getItems()
        .stream()
        .filter(e -> "ArrestTraining".equals(e.getInvolvedObject().getKind()))
        .toList();
  }

  private static String describe(List<Event> events) {
    return events.stream()
        .map(e -> e.getType() + " " + e.getReason() + " x" + e.getCount() + ": " + e.getMessage())
        .collect(Collectors.joining("\n", "events:\n", ""));
  }

  private static <T> T awaitValue(
      String what, Duration timeout, java.util.function.Supplier<T> probe) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      ControlPlaneSuite.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError(
        "timed out after "
            + timeout
            + " waiting for "
            + what
            + "\n"
            + cluster.kubectl("get", "arresttrainings,jobs,pods", "-n", NS, "-o", "wide").stdout()
            + "\noperator log:\n"
            + operator.logTail(30));
  }
}
