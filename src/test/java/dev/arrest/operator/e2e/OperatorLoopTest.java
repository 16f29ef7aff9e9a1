package dev.arrest.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.PointPhase;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TradeoffPointSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.operator.jobs.StageJobFactory;
import dev.arrest.operator.rbac.OperatorPermissions;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.testing.ApiRequests;
import dev.arrest.operator.testing.StandInTrainer;
import dev.arrest.operator.testing.Trainings;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.StageResult;
import dev.arrest.tradeoff.RunPoint;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffReferences;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator loop end to end, fast: the real operator, the fake kubelet, and {@link
 * StandInTrainer} in place of the trainer jar (so it runs without DJL and in seconds). {@link
 * TrainerJarEndToEndTest} runs the same loop with the real trainer.
 */
class OperatorLoopTest {
  private static final String NS = "ml";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path volume;

  private OperatorLoop loop;

  @BeforeEach
  void setUp() throws Exception {
    loop = new OperatorLoop(volume);
  }

  @AfterEach
  void tearDown() throws Exception {
    loop.close();
  }

  /** Runs the stand-in instead of the trainer launcher, with this JVM and the test classpath. */
  static List<String> standIn(List<String> commandLine) {
    assertEquals(StageJobFactory.TRAINER_LAUNCHER, commandLine.get(0), "the trainer's command");
    List<String> mapped = new ArrayList<>();
    mapped.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    mapped.add("-cp");
    mapped.add(System.getProperty("java.class.path"));
    mapped.add(StandInTrainer.class.getName());
    mapped.addAll(commandLine.subList(1, commandLine.size()));
    return mapped;
  }

  @Test
  void anExceptionInReconcileReachesTheStatusAndTheTrainingGoesOnOnceTheServerRecovers()
      throws Exception {
    loop.startOperator();
    // Every pod list fails, as with an API server whose etcd times out.
    loop.cluster.failRequests(request -> request.startsWith("GET /api/v1/namespaces/ml/pods?"));
    loop.client.resource(Trainings.fashionMnist("flaky")).inNamespace(NS).create();

    ArrestTraining training =
        loop.awaitTraining(
            NS,
            "flaky",
            t ->
                t.getStatus() != null
                    && Conditions.find(t.getStatus().conditions, Conditions.READY)
                        .map(c -> "ReconcileError".equals(c.getReason()))
                        .orElse(false),
            TIMEOUT);
    String message =
        Conditions.find(training.getStatus().conditions, Conditions.READY).get().getMessage();
    assertTrue(message.contains("etcdserver: request timed out"), message);
    assertTrue(
        loop.client.v1().events().inNamespace(NS).list().getItems().stream()
            .anyMatch(
                e -> "ReconcileError".equals(e.getReason()) && "Warning".equals(e.getType())));

    loop.cluster.failRequests(request -> false);
    loop.kubelet.start(OperatorLoopTest::standIn);
    training =
        loop.awaitTraining(NS, "flaky", OperatorLoop.inPhase(TrainingPhase.SUCCEEDED), TIMEOUT);
    assertTrue(Conditions.isTrue(training.getStatus().conditions, Conditions.READY));
  }

  @Test
  void aTrainingGoesFromPendingToSucceededWithResultsInStatusAndMetrics() throws Exception {
    loop.startOperator();
    loop.kubelet.start(OperatorLoopTest::standIn);

    loop.client.resource(Trainings.fashionMnist("quick")).inNamespace(NS).create();
    ArrestTraining training = loop.awaitTraining(NS, "quick", OperatorLoop.finished(), TIMEOUT);

    assertEquals(
        TrainingPhase.SUCCEEDED,
        training.getStatus().phase,
        () ->
            "status: "
                + io.fabric8.kubernetes.client.utils.Serialization.asJson(training.getStatus()));
    assertEquals(StandInTrainer.STANDARD_ACCURACY, training.getStatus().results.standardAccuracy);
    assertEquals(StandInTrainer.ROBUST_ACCURACY, training.getStatus().results.robustAccuracy);
    assertEquals("pgd-5", training.getStatus().results.attacks.get(0).name);
    assertEquals(200, training.getStatus().results.samples);
    assertTrue(Conditions.isTrue(training.getStatus().conditions, Conditions.READY));
    assertEquals(StagePhase.SUCCEEDED, training.getStatus().stages.pretrain.phase);
    assertEquals(2, training.getStatus().stages.finetune.epochs);
    assertEquals(0.1, training.getStatus().stages.finetune.lastEpoch.noisyReplayRate);
    assertEquals(3, loop.client.batch().v1().jobs().inNamespace(NS).list().getItems().size());

    // The stages handed the model over through the volume, under the training's output directory.
    Path output = volume.resolve(training.getStatus().output.path);
    assertTrue(Files.isRegularFile(output.resolve("finetune/model.params")));
    assertEquals(
        0.8125,
        ResultsJson.read(output.resolve("evaluate/stage-result.json"), StageResult.class)
            .evaluation
            .standardAccuracy());

    String metrics = loop.scrapeMetrics();
    String labels = "namespace=\"ml\",name=\"quick\",method=\"arrest\"";
    assertTrue(
        metrics.contains("arrest_training_standard_accuracy{" + labels + ",} 0.8125"), metrics);
    assertTrue(
        metrics.contains(
            "arrest_training_robust_accuracy{" + labels + ",attack=\"pgd-5\",} 0.4375"));
    assertTrue(
        metrics.contains(
            "arrest_training_robust_accuracy{" + labels + ",attack=\"worst-case\",} 0.4375"));
    assertTrue(metrics.contains("arrest_training_phase{" + labels + ",phase=\"Succeeded\",} 1.0"));
    assertTrue(
        metrics.contains("arrest_training_phase{" + labels + ",phase=\"Pretraining\",} 0.0"));
    assertTrue(metrics.contains("arrest_trainings{phase=\"Succeeded\",} 1.0"));
    assertFalse(
        metrics.contains("arrest_training_tradeoff_score{"),
        "no tradeoff score without one in the results");
    assertTrue(metrics.contains("arrest_operator_reconciliations_total "));
    assertTrue(metrics.contains("arrest_operator_reconcile_duration_seconds_count "));
    // Counted from the status transitions the operator wrote: one start, one success, one
    // observation per stage; JOSDK reports its queue through the operator's Metrics.
    assertTrue(
        metrics.contains("arrest_trainings_started_total{namespace=\"ml\",method=\"arrest\",} 1.0"),
        metrics);
    assertTrue(
        metrics.contains(
            "arrest_trainings_finished_total{namespace=\"ml\",method=\"arrest\","
                + "phase=\"Succeeded\",reason=\"Succeeded\",} 1.0"),
        metrics);
    for (String stage : List.of("pretrain", "finetune", "evaluate")) {
      assertTrue(
          metrics.contains(
              "arrest_training_stage_duration_seconds_count{stage=\""
                  + stage
                  + "\",phase=\"Succeeded\",} 1.0"),
          metrics);
    }
    assertTrue(metrics.contains("arrest_operator_reconcile_queue_depth "), metrics);
    assertTrue(metrics.contains("arrest_operator_reconciles_in_progress "), metrics);
    assertFalse(metrics.contains("arrest_operator_reconcile_events_total 0.0"), metrics);

    loop.client.resource(training).delete();
    awaitMetricsWithout("name=\"quick\"");
  }

  @Test
  void aTwoPointSweepGoesToSucceededWithEachPointsResultsAndTheSweepScore() throws Exception {
    loop.startOperator();
    loop.kubelet.start(OperatorLoopTest::standIn);
    ArrestTraining sweep =
        Trainings.parse(Trainings.sweepYaml("duo", "noisyReplayThresholdDegrees: [30, 45]\n"));
    sweep.getSpec().evaluation.tradeoff = reference();

    loop.client.resource(sweep).inNamespace(NS).create();
    ArrestTraining training = loop.awaitTraining(NS, "duo", OperatorLoop.finished(), TIMEOUT);

    assertEquals(
        TrainingPhase.SUCCEEDED,
        training.getStatus().phase,
        () ->
            "status: "
                + io.fabric8.kubernetes.client.utils.Serialization.asJson(training.getStatus()));
    assertEquals(
        List.of(
            "duo-p00-evaluate",
            "duo-p00-finetune",
            "duo-p01-evaluate",
            "duo-p01-finetune",
            "duo-pretrain"),
        loop.client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
            .map(job -> job.getMetadata().getName())
            .sorted()
            .toList());
    for (PointStatus point : training.getStatus().points) {
      assertEquals(PointPhase.SUCCEEDED, point.phase);
      assertEquals(StandInTrainer.standardAccuracy(point.id), point.results.standardAccuracy);
      assertEquals(StandInTrainer.robustAccuracy(point.id), point.results.robustAccuracy);
      assertEquals(
          TradeoffReferences.curve(reference())
              .score(
                  100 * StandInTrainer.standardAccuracy(point.id),
                  100 * StandInTrainer.robustAccuracy(point.id))
              .signedDistance(),
          point.results.tradeoffScore,
          1e-9);
    }
    // Each point finetuned from the shared pretraining into its own directory.
    Path output = volume.resolve(training.getStatus().output.path);
    assertTrue(Files.isRegularFile(output.resolve("pretrain/model.params")));
    assertTrue(
        Files.isRegularFile(output.resolve("points/01-arrest-phi-45/finetune/model.params")));
    assertEquals(
        "points/01-arrest-phi-45/finetune/model.params",
        training.getStatus().points.get(1).stages.finetune.artifacts.get("model"));
    SweepScore expected =
        SweepScore.compute(
            TradeoffReferences.curve(reference()),
            List.of(
                new RunPoint(
                    "arrest phi=30",
                    100 * StandInTrainer.standardAccuracy(0),
                    100 * StandInTrainer.robustAccuracy(0)),
                new RunPoint(
                    "arrest phi=45",
                    100 * StandInTrainer.standardAccuracy(1),
                    100 * StandInTrainer.robustAccuracy(1))));
    assertEquals(expected.meanRobustGain(), training.getStatus().sweep.meanRobustGain, 1e-9);
    assertEquals("2/2 points done", training.getStatus().progress.summary);

    String metrics = loop.scrapeMetrics();
    String point =
        "namespace=\"ml\",name=\"duo\",method=\"arrest\",point=\"1\",point_label=\"arrest"
            + " phi=45\",";
    assertTrue(
        metrics.contains("arrest_training_point_standard_accuracy{" + point + "} 0.75"), metrics);
    assertTrue(
        metrics.contains(
            "arrest_training_point_robust_accuracy{" + point + "attack=\"worst-case\",} 0.46875"));
    assertTrue(metrics.contains("arrest_training_point_tradeoff_score{" + point + "} "));
    assertTrue(
        metrics.contains(
            "arrest_training_sweep_score{namespace=\"ml\",name=\"duo\",method=\"arrest\",} "
                + expected.meanRobustGain()),
        metrics);
    assertTrue(
        metrics.contains(
            "arrest_training_points{namespace=\"ml\",name=\"duo\",method=\"arrest\","
                + "phase=\"Succeeded\",} 2.0"));

    loop.client.resource(training).delete();
    awaitMetricsWithout("name=\"duo\"");
  }

  /** Inline reference points tracing a tradeoff around the stand-in's accuracies. */
  private static TradeoffSpec reference() {
    TradeoffSpec tradeoff = new TradeoffSpec();
    tradeoff.points =
        List.of(
            referencePoint("a", 70, 52), referencePoint("b", 80, 44), referencePoint("c", 90, 30));
    return tradeoff;
  }

  private static TradeoffPointSpec referencePoint(String method, double standard, double robust) {
    TradeoffPointSpec point = new TradeoffPointSpec();
    point.method = method;
    point.standardAccuracy = standard;
    point.robustAccuracy = robust;
    point.source = "test";
    return point;
  }

  @Test
  void progressOfARunningStageReachesStatusAndMetrics() throws Exception {
    loop.startOperator();
    loop.kubelet.start(
        commandLine -> {
          List<String> mapped = new ArrayList<>(standIn(commandLine));
          if (mapped.contains("pretrain")) {
            mapped.add(1, "-Dstandin.epochMillis=3000");
          }
          return mapped;
        });

    loop.client.resource(Trainings.fashionMnist("live")).inNamespace(NS).create();
    ArrestTraining training =
        loop.awaitTraining(
            NS,
            "live",
            t ->
                t.getStatus() != null
                    && t.getStatus().progress != null
                    && t.getStatus().progress.fraction != null,
            TIMEOUT);

    assertEquals("pretrain", training.getStatus().progress.stage);
    assertEquals("pretrain 1/2 (50%)", training.getStatus().progress.summary);
    assertEquals(2.0, training.getStatus().progress.loss);
    assertTrue(
        loop.scrapeMetrics()
            .contains(
                "arrest_training_stage_progress_ratio{namespace=\"ml\",name=\"live\","
                    + "method=\"arrest\",stage=\"pretrain\",} 0.5"));
    loop.awaitTraining(NS, "live", OperatorLoop.finished(), TIMEOUT);
  }

  @Test
  void aRestartedOperatorFinishesTheTrainingWithoutRerunningOrDuplicatingJobs() throws Exception {
    loop.startOperator();
    loop.client.resource(Trainings.fashionMnist("restart")).inNamespace(NS).create();
    loop.awaitTraining(NS, "restart", OperatorLoop.inPhase(TrainingPhase.PRETRAINING), TIMEOUT);
    loop.stopOperator();

    // The pretrain Job runs while no operator is up.
    loop.kubelet.start(OperatorLoopTest::standIn);
    awaitJobFinished("restart-pretrain");
    loop.startOperator();
    ArrestTraining training = loop.awaitTraining(NS, "restart", OperatorLoop.finished(), TIMEOUT);

    assertEquals(TrainingPhase.SUCCEEDED, training.getStatus().phase);
    assertEquals(
        List.of("restart-evaluate", "restart-finetune", "restart-pretrain"),
        loop.client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
            .map(job -> job.getMetadata().getName())
            .sorted()
            .toList());
    assertEquals(
        1,
        loop.client
            .pods()
            .inNamespace(NS)
            .withLabel("job-name", "restart-pretrain")
            .list()
            .getItems()
            .size(),
        "pretraining ran once");
  }

  @Test
  void aFailingStageEndsInFailedWithTheTrainersMessage() throws Exception {
    loop.startOperator();
    // The finetune container gets an empty output directory, so it fails as the trainer does when
    // the pretrained model is missing: exit 1 with a Failed termination message.
    loop.kubelet.start(
        commandLine -> {
          List<String> mapped = new ArrayList<>(standIn(commandLine));
          if (mapped.contains("finetune")) {
            int output = mapped.indexOf("--output");
            mapped.set(output + 1, volume.resolve("elsewhere").toString());
          }
          return mapped;
        });

    loop.client.resource(Trainings.fashionMnist("broken")).inNamespace(NS).create();
    ArrestTraining training = loop.awaitTraining(NS, "broken", OperatorLoop.finished(), TIMEOUT);

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    String message =
        Conditions.find(training.getStatus().conditions, Conditions.FAILED)
            .orElseThrow()
            .getMessage();
    assertTrue(
        message.startsWith(
            "finetune failed (BackoffLimitExceeded): previous stage's model not found"),
        message);
    assertEquals(
        2,
        loop.client
            .pods()
            .inNamespace(NS)
            .withLabel("job-name", "broken-finetune")
            .list()
            .getItems()
            .size(),
        "the Job's backoffLimit of 1 allowed one retry");
    assertTrue(
        loop.client.v1().events().inNamespace(NS).list().getItems().stream()
            .anyMatch(
                e ->
                    "StageFailed".equals(e.getReason())
                        && e.getMessage().contains("model not found")));
    assertTrue(
        loop.scrapeMetrics()
            .contains(
                "arrest_training_phase{namespace=\"ml\",name=\"broken\",method=\"arrest\",phase=\"Failed\",}"
                    + " 1.0"));
  }

  @Test
  void theOperatorAsksTheApiServerForExactlyWhatItsRbacGrants() throws Exception {
    loop.startOperator();
    loop.kubelet.start(
        commandLine -> {
          List<String> mapped = new ArrayList<>(standIn(commandLine));
          if (mapped.contains("pretrain")) {
            mapped.add(
                1,
                "-Dstandin.epochMillis=2500"); // long enough for the operator to read progress from
            // the log
          }
          return mapped;
        });
    ArrestTraining rbac = Trainings.fashionMnist("rbac");
    // The clean-up paths: the operator deletes each stage Job once its outcome is stored, and the
    // training itself a second after it finished.
    rbac.getSpec().runPolicy.jobTtlSecondsAfterFinished = 0;
    rbac.getSpec().runPolicy.ttlSecondsAfterFinished = 1;
    loop.client.resource(rbac).inNamespace(NS).create();
    for (int i = 0;
        i < 600
            && loop.client.resources(ArrestTraining.class).inNamespace(NS).withName("rbac").get()
                != null;
        i++) {
      Thread.sleep(100);
    }
    assertNull(
        loop.client.resources(ArrestTraining.class).inNamespace(NS).withName("rbac").get(),
        "deleted by the operator after spec.runPolicy.ttlSecondsAfterFinished");
    Thread.sleep(500);

    Set<ApiRequests.Access> used = loop.operatorAccesses();
    assertEquals(List.of(), loop.deniedAccesses(), "requests RBAC would deny; used: " + used);
    // Every granted permission is used, except those only needed on rarer paths, each with its
    // reason.
    // (TrainingOnApiServerTest exercises the repeated Event on a real API server.)
    Set<String> rarePaths =
        Set.of(
            "core events get", // a repeated Event's count (read, then patched)
            "core events patch", // a repeated Event's count
            "core events list", // a Job without pods, for the Job controller's FailedCreate
            "batch jobs get", // a Job the informer lacks: already there on create, or named by
            // the status
            "arrest.dev arresttrainings/finalizers update"); // an admission check, not a request
    Set<String> unused = new TreeSet<>();
    for (OperatorPermissions.Rule rule : OperatorPermissions.TRAININGS) {
      for (String resource : rule.resources()) {
        for (String verb : rule.verbs()) {
          ApiRequests.Access access = new ApiRequests.Access(rule.apiGroup(), resource, verb);
          if (!used.contains(access)) {
            unused.add(access.toString());
          }
        }
      }
    }
    assertTrue(
        rarePaths.containsAll(unused),
        "granted but never used (remove them from OperatorPermissions and"
            + " the chart, or explain them here): "
            + unused
            + "; used: "
            + used);
  }

  private void awaitJobFinished(String name) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      var job = loop.client.batch().v1().jobs().inNamespace(NS).withName(name).get();
      if (job.getStatus() != null
          && job.getStatus().getConditions() != null
          && !job.getStatus().getConditions().isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Job " + name + " did not finish");
  }

  private void awaitMetricsWithout(String text) throws Exception {
    String metrics = "";
    for (int i = 0; i < 100; i++) {
      metrics = loop.scrapeMetrics();
      if (!metrics.contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("series with " + text + " remain after deletion:\n" + metrics);
  }
}
