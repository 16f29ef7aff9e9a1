package dev.arrest.operator.reconciler;

import static dev.arrest.operator.reconciler.TrainingLifecycleTest.trainingStageResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.PointPhase;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.ReferenceFit;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.TradeoffPointSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.jobs.TrainerLabels;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.testing.FakeCluster;
import dev.arrest.operator.testing.FakeKubelet;
import dev.arrest.operator.testing.Trainings;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import dev.arrest.tradeoff.ReferencePoint;
import dev.arrest.tradeoff.RunPoint;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffCurve;
import dev.arrest.tradeoff.TradeoffReferences;
import dev.arrest.tradeoff.TradeoffScore;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps against the mock API server, as {@link TrainingLifecycleTest} does for single runs: one
 * shared pretrain Job, then a finetune Job per point in parallel, each followed by its own evaluate
 * Job; points that fail, restarts, the cap on parallel points and the sweep's score.
 */
class SweepLifecycleTest {
  private static final String NS = "ml";

  @TempDir Path volume;

  private FakeCluster cluster;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private Optional<Duration> lastRequeue;

  @BeforeEach
  void setUp() {
    cluster = new FakeCluster();
    client = cluster.client();
    kubelet = new FakeKubelet(cluster, volume);
  }

  @AfterEach
  void tearDown() throws Exception {
    kubelet.close();
    cluster.close();
  }

  private TrainingLifecycle lifecycle() {
    return new TrainingLifecycle(
        OperatorSettings.defaults(),
        new StageJobs(client),
        new PodLogProgressReader(client),
        new TrainingEvents(client, Clock.systemUTC()),
        Clock.systemUTC());
  }

  private void apply(ArrestTraining training) {
    client.resource(training).inNamespace(NS).create();
  }

  private ArrestTraining get(String name) {
    return client.resources(ArrestTraining.class).inNamespace(NS).withName(name).get();
  }

  private ArrestTraining reconcile(String name) {
    return reconcile(lifecycle(), name);
  }

  private ArrestTraining reconcile(TrainingLifecycle lifecycle, String name) {
    ArrestTraining training = get(name);
    lastRequeue = lifecycle.reconcile(training);
    return client.resources(ArrestTraining.class).inNamespace(NS).resource(training).updateStatus();
  }

  private List<String> jobNames() {
    return client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .map(job -> job.getMetadata().getName())
        .sorted()
        .toList();
  }

  private Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  private static Condition condition(ArrestTraining training, String type) {
    return Conditions.find(training.getStatus().conditions, type).orElseThrow();
  }

  private static PointStatus point(ArrestTraining training, int id) {
    return training.getStatus().points.get(id);
  }

  private static String evaluation(double standard, double robust, TradeoffScore score) {
    EvaluationResult evaluation =
        new EvaluationResult(
            200,
            standard,
            robust,
            List.of(new AttackResult("pgd-5", "pgd", "linf", 0.1, 5, 0.05, 1, robust, 1.5)),
            null,
            score);
    return new TerminationMessage(
            ResultsJson.API_VERSION,
            TerminationMessage.KIND,
            "t",
            Stage.EVALUATE,
            StageStatus.SUCCEEDED,
            null,
            4.0,
            0,
            null,
            evaluation,
            Map.of())
        .toJson();
  }

  private static String failure(Stage stage, String message) {
    return new TerminationMessage(
            ResultsJson.API_VERSION,
            TerminationMessage.KIND,
            "t",
            stage,
            StageStatus.FAILED,
            message,
            1.0,
            0,
            null,
            null,
            null)
        .toJson();
  }

  /** Starts a sweep and finishes its pretraining, so that every point's finetune Job exists. */
  private ArrestTraining pretrained(ArrestTraining sweep) {
    String name = sweep.getMetadata().getName();
    apply(sweep);
    reconcile(name);
    kubelet.finish(job(name + "-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    return reconcile(name);
  }

  /**
   * Finishes one point's finetune Job, lets the operator start its evaluation, and finishes that.
   */
  private void finishPoint(
      String name, int id, double standard, double robust, TradeoffScore score) {
    String prefix = name + "-p0" + id;
    kubelet.finish(job(prefix + "-finetune"), 0, trainingStageResult(Stage.FINETUNE, 2));
    reconcile(name);
    kubelet.finish(job(prefix + "-evaluate"), 0, evaluation(standard, robust, score));
  }

  @Test
  void runsOneFinetuneJobPerPointInParallelOnceThePretrainingSucceeded() {
    apply(Trainings.phiSweep("phi"));

    ArrestTraining training = reconcile("phi");

    assertEquals(List.of("phi-pretrain"), jobNames(), "the points wait for the shared pretraining");
    assertEquals(TrainingPhase.PRETRAINING, training.getStatus().phase);
    assertNull(
        training.getStatus().stages.finetune,
        "a sweep's finetune and evaluate stages are per point");
    assertEquals(3, training.getStatus().points.size());
    PointStatus second = point(training, 1);
    assertEquals(1, second.id);
    assertEquals("arrest phi=30", second.label);
    assertEquals(FinetuningMethod.ARREST, second.method);
    assertEquals("points/01-arrest-phi-30", second.directory);
    assertEquals(Map.of("finetuning.noisyReplay.thresholdDegrees", "30.0"), second.overrides);
    assertEquals(PointPhase.PENDING, second.phase);

    kubelet.finish(job("phi-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    training = reconcile("phi");

    assertEquals(
        List.of("phi-p00-finetune", "phi-p01-finetune", "phi-p02-finetune", "phi-pretrain"),
        jobNames());
    for (int id = 0; id < 3; id++) {
      Job finetune = job("phi-p0" + id + "-finetune");
      List<String> args =
          finetune.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
      assertEquals(
          List.of("--point", Integer.toString(id)), args.subList(args.size() - 2, args.size()));
      assertEquals(
          Integer.toString(id), finetune.getMetadata().getLabels().get(TrainerLabels.POINT));
      assertEquals(PointPhase.FINETUNING, point(training, id).phase);
      assertEquals(StagePhase.RUNNING, point(training, id).stages.finetune.phase);
      assertEquals("phi-p0" + id + "-finetune", point(training, id).stages.finetune.jobName);
      assertEquals(StagePhase.PENDING, point(training, id).stages.evaluate.phase);
    }
    assertEquals(TrainingPhase.FINETUNING, training.getStatus().phase);
    assertEquals("0/3 points done, 3 running", training.getStatus().progress.summary);
    assertEquals("points", training.getStatus().progress.stage);
    assertEquals("True", condition(training, Conditions.PROGRESSING).getStatus());
    assertEquals(Optional.of(OperatorSettings.DEFAULT_PROGRESS_INTERVAL), lastRequeue);
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    "StageStarted".equals(e.getReason())
                        && e.getMessage()
                            .equals(
                                "point 1 (arrest phi=30): stage finetune started: Job"
                                    + " phi-p01-finetune")));
  }

  @Test
  void eachPointIsEvaluatedAfterItsOwnFinetuningAndTheSweepSucceedsWithEveryPointsResults() {
    pretrained(Trainings.phiSweep("phi"));
    ProgressEvent event =
        new ProgressEvent(
            "phi", Stage.FINETUNE, 1, 2, 5, 10, 0.25, 0.93, 0.04, 0.12, 0.61, 850.0, 40.0);
    kubelet.running(job("phi-p02-finetune"), event.toLine() + "\n");
    kubelet.finish(job("phi-p01-finetune"), 0, trainingStageResult(Stage.FINETUNE, 2));

    ArrestTraining training = reconcile("phi");

    assertNotNull(
        job("phi-p01-evaluate"), "point 1 is evaluated as soon as its finetuning succeeded");
    assertNull(job("phi-p00-evaluate"));
    assertEquals(PointPhase.EVALUATING, point(training, 1).phase);
    assertEquals(2, point(training, 1).stages.finetune.epochs);
    assertEquals(
        "finetune 1/2 (25%)",
        point(training, 2).progress.summary, "each point shows its own progress");
    assertEquals(
        TrainingPhase.FINETUNING, training.getStatus().phase, "while any point still finetunes");

    kubelet.finish(job("phi-p01-evaluate"), 0, evaluation(0.80, 0.44, null));
    finishPoint("phi", 0, 0.78, 0.46, null);
    finishPoint("phi", 2, 0.86, 0.37, null);
    ArrestTraining done = reconcile("phi");
    training = done;

    assertEquals(
        TrainingPhase.SUCCEEDED,
        training.getStatus().phase,
        () -> Serialization.asJson(done.getStatus()));
    assertEquals(0.80, point(training, 1).results.standardAccuracy);
    assertEquals(0.37, point(training, 2).results.robustAccuracy);
    assertEquals("pgd-5", point(training, 0).results.attacks.get(0).name);
    assertTrue(training.getStatus().points.stream().allMatch(p -> p.phase == PointPhase.SUCCEEDED));
    assertNull(training.getStatus().results, "a sweep's results are per point");
    assertNull(training.getStatus().sweep.meanRobustGain);
    assertTrue(
        training.getStatus().sweep.message.contains("spec.evaluation.tradeoff is not set"),
        training.getStatus().sweep.message);
    assertEquals("3/3 points done", training.getStatus().progress.summary);
    assertEquals(1.0, training.getStatus().progress.fraction);
    assertEquals("True", condition(training, Conditions.READY).getStatus());
    assertTrue(
        condition(training, Conditions.READY)
            .getMessage()
            .startsWith("3 points evaluated; the sweep is not" + " scored"),
        condition(training, Conditions.READY).getMessage());
    assertEquals(Optional.empty(), lastRequeue);
    assertEquals(7, jobNames().size());
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    "StageSucceeded".equals(e.getReason())
                        && e.getMessage()
                            .startsWith("point 2 (arrest phi=45): stage evaluate succeeded")
                        && e.getMessage().contains("standard accuracy 0.8600")));
    assertFalse(
        events().stream().anyMatch(e -> "SweepNotScored".equals(e.getReason())),
        "no warning when no reference was asked for");
  }

  @Test
  void theSweepIsScoredAgainstTheReferenceFromThePointsResults() {
    ArrestTraining sweep = Trainings.phiSweep("scored");
    sweep.getSpec().evaluation.tradeoff = inlineReference();
    pretrained(sweep);
    TradeoffScore pointScore = new TradeoffScore(1.5, 2.0, 3.0, "inline", 2, List.of(), List.of());

    finishPoint("scored", 0, 0.78, 0.46, pointScore);
    finishPoint("scored", 1, 0.82, 0.42, pointScore);
    finishPoint("scored", 2, 0.86, 0.37, pointScore);
    ArrestTraining training = reconcile("scored");

    SweepScore expected =
        SweepScore.compute(
            TradeoffReferences.curve(inlineReference()),
            List.of(
                new RunPoint("arrest phi=20", 78, 46),
                new RunPoint("arrest phi=30", 82, 42),
                new RunPoint("arrest phi=45", 86, 37)));
    assertEquals(TrainingPhase.SUCCEEDED, training.getStatus().phase);
    assertEquals(expected.meanRobustGain(), training.getStatus().sweep.meanRobustGain, 1e-9);
    assertEquals(expected.meanStandardGain(), training.getStatus().sweep.meanStandardGain, 1e-9);
    assertEquals(3, training.getStatus().sweep.scoredPoints);
    assertEquals(
        expected.standardOverlap().from(), training.getStatus().sweep.standardOverlap.from, 1e-9);
    assertNull(training.getStatus().sweep.message);
    assertEquals(
        1.5,
        point(training, 2).results.tradeoffScore,
        "each point's own score, from its evaluation");
    assertTrue(
        condition(training, Conditions.READY)
            .getMessage()
            .contains(
                String.format(
                    java.util.Locale.ROOT, "sweep score %+.4f pp", expected.meanRobustGain())));
  }

  @Test
  void aSweepScoredAgainstItsOwnBaselinesMarksTheReferencePointsAndScoresTheOthers() {
    double[][] accuracies = {{0.80, 0.45}, {0.82, 0.42}, {0.79, 0.46}, {0.76, 0.49}, {0.83, 0.44}};

    ArrestTraining training = reconcileOwnBaselines("own", ReferenceFit.ALL, accuracies);

    assertEquals(TrainingPhase.SUCCEEDED, training.getStatus().phase);
    for (int id = 0; id < 4; id++) {
      assertEquals(
          Boolean.TRUE, point(training, id).reference, "at and trades points are the reference");
      assertNull(point(training, id).results.tradeoffScore);
    }
    TradeoffCurve own =
        TradeoffCurve.fit(
            "sweep:at,trades",
            List.of(
                new ReferencePoint("at", 80, 45, "s"),
                new ReferencePoint("trades beta=1", 82, 42, "s"),
                new ReferencePoint("trades beta=3", 79, 46, "s"),
                new ReferencePoint("trades beta=6", 76, 49, "s")),
            2);
    PointStatus arrest = point(training, 4);
    assertNull(arrest.reference);
    assertEquals(own.score(83, 44).signedDistance(), arrest.results.tradeoffScore, 1e-9);
    assertEquals("sweep:at,trades", arrest.results.tradeoff.reference);
    assertNull(training.getStatus().sweep.meanRobustGain, "one scored point traces no curve");
    assertTrue(
        training.getStatus().sweep.message.contains("at least 2 scored points"),
        training.getStatus().sweep.message);
    assertTrue(
        events().stream()
            .anyMatch(
                e -> "SweepNotScored".equals(e.getReason()) && "Warning".equals(e.getType())));
  }

  @Test
  void aFrontierFitLeavesADominatedBaselineOutAndTheStatusSaysSo() {
    // trades beta=3 (79 %, 44 %) is below at (80 %, 45 %) on both axes.
    double[][] accuracies = {{0.80, 0.45}, {0.82, 0.42}, {0.79, 0.44}, {0.76, 0.49}, {0.83, 0.44}};

    ArrestTraining training = reconcileOwnBaselines("frontier", ReferenceFit.FRONTIER, accuracies);

    assertEquals(TrainingPhase.SUCCEEDED, training.getStatus().phase);
    assertEquals(Boolean.TRUE, point(training, 2).reference, "still one of the baselines");
    TradeoffCurve frontier =
        TradeoffCurve.fit(
            "sweep:at,trades",
            List.of(
                new ReferencePoint("at", 80, 45, "s"),
                new ReferencePoint("trades beta=1", 82, 42, "s"),
                new ReferencePoint("trades beta=6", 76, 49, "s")),
            2);
    assertEquals(
        frontier.score(83, 44).signedDistance(), point(training, 4).results.tradeoffScore, 1e-9);
    assertEquals(
        "the reference curve leaves out trades beta=3 (79.00 % / 44.00 %): dominated by at"
            + " (80.00 % / 45.00 %)",
        training.getStatus().sweep.warnings.get(0), training.getStatus().sweep.warnings.toString());
  }

  /**
   * A sweep of at, trades beta=1, 3, 6 and arrest scored against its own at and trades points with
   * this fit, every point finished with these clean and robust accuracies, reconciled once.
   */
  private ArrestTraining reconcileOwnBaselines(
      String name, ReferenceFit fit, double[][] accuracies) {
    ArrestTraining sweep =
        Trainings.parse(
            Trainings.sweepYaml(name, "methods: [at, trades, arrest]\ntradesBetas: [1, 3, 6]\n"));
    sweep.getSpec().evaluation.tradeoff = new TradeoffSpec();
    sweep.getSpec().evaluation.tradeoff.fromSweepMethods =
        List.of(FinetuningMethod.AT, FinetuningMethod.TRADES);
    sweep.getSpec().evaluation.tradeoff.fit = fit;
    pretrained(sweep);
    for (int id = 0; id < accuracies.length; id++) {
      finishPoint(name, id, accuracies[id][0], accuracies[id][1], null);
    }
    return reconcile(name);
  }

  @Test
  void aFailedPointDoesNotStopTheOthersAndFailsTheTrainingOnceAllHaveFinished() {
    ArrestTraining sweep = Trainings.phiSweep("mixed");
    sweep.getSpec().evaluation.tradeoff = inlineReference();
    pretrained(sweep);

    kubelet.finish(job("mixed-p01-finetune"), 1, failure(Stage.FINETUNE, "loss is NaN at epoch 1"));
    ArrestTraining training = reconcile("mixed");

    assertEquals(PointPhase.FAILED, point(training, 1).phase);
    assertTrue(
        point(training, 1).message.contains("finetune failed (BackoffLimitExceeded): loss is NaN"),
        point(training, 1).message);
    assertEquals("finetune failed", point(training, 1).progress.summary);
    assertNull(job("mixed-p01-evaluate"), "a failed point is not evaluated");
    assertEquals(TrainingPhase.FINETUNING, training.getStatus().phase, "the other points go on");
    assertEquals("False", condition(training, Conditions.FAILED).getStatus());
    assertEquals("1/3 points done, 1 failed, 2 running", training.getStatus().progress.summary);
    assertTrue(
        events().stream()
            .anyMatch(
                e ->
                    "StageFailed".equals(e.getReason())
                        && "Warning".equals(e.getType())
                        && e.getMessage().startsWith("point 1 (arrest phi=30): finetune failed")));

    finishPoint("mixed", 0, 0.78, 0.46, null);
    finishPoint("mixed", 2, 0.86, 0.37, null);
    training = reconcile("mixed");

    assertEquals(TrainingPhase.FAILED, training.getStatus().phase);
    Condition failed = condition(training, Conditions.FAILED);
    assertEquals("True", failed.getStatus());
    assertEquals("PointsFailed", failed.getReason());
    assertTrue(
        failed
            .getMessage()
            .startsWith("1 of 3 points failed: point 1 (arrest phi=30): finetune failed"),
        failed.getMessage());
    assertEquals("False", condition(training, Conditions.READY).getStatus());
    assertEquals(PointPhase.SUCCEEDED, point(training, 2).phase);
    assertEquals(
        0.86,
        point(training, 2).results.standardAccuracy,
        "the finished points keep their results");
    assertTrue(
        training.getStatus().sweep.message.contains("no evaluation of point 1 (arrest phi=30)"),
        training.getStatus().sweep.message);
    assertFalse(
        events().stream().anyMatch(e -> "SweepNotScored".equals(e.getReason())),
        "PointsFailed already says why");
    assertEquals("3/3 points done, 1 failed", training.getStatus().progress.summary);
    assertTrue(events().stream().anyMatch(e -> "PointsFailed".equals(e.getReason())));

    int jobs = jobNames().size();
    reconcile("mixed");
    assertEquals(jobs, jobNames().size(), "a finished sweep is final");
  }

  @Test
  void aRestartedOperatorAdoptsThePointJobsAndNeverRerunsAFinishedPoint() {
    ArrestTraining sweep = Trainings.phiSweep("restart");
    sweep.getSpec().runPolicy.ttlSecondsAfterFinished = 0;
    apply(sweep);
    reconcile("restart");
    kubelet.finish(job("restart-pretrain"), 0, trainingStageResult(Stage.PRETRAIN, 2));
    // The operator creates the point Jobs but dies before its status update lands.
    lifecycle().reconcile(get("restart"));
    assertEquals(4, jobNames().size());

    ArrestTraining training = reconcile(lifecycle(), "restart");

    assertEquals(4, jobNames().size(), "adopted, not duplicated");
    assertEquals("restart-p02-finetune", point(training, 2).stages.finetune.jobName);
    assertEquals(PointPhase.FINETUNING, point(training, 2).phase);
    int eventCount = events().size();
    assertEquals(
        Serialization.asJson(training.getStatus()),
        Serialization.asJson(reconcile(lifecycle(), "restart").getStatus()),
        "a repeated reconciliation is a no-op");
    assertEquals(eventCount, events().size());

    finishPoint("restart", 0, 0.78, 0.46, null);
    reconcile("restart");
    // Its finished Jobs are collected (TTL 0), then a new operator process reconciles.
    client.batch().v1().jobs().inNamespace(NS).withName("restart-p00-finetune").delete();
    client.batch().v1().jobs().inNamespace(NS).withName("restart-p00-evaluate").delete();
    training = reconcile(lifecycle(), "restart");

    assertNull(job("restart-p00-finetune"), "point 0 is not run again");
    assertEquals(PointPhase.SUCCEEDED, point(training, 0).phase);
    assertEquals(0.78, point(training, 0).results.standardAccuracy);
  }

  @Test
  void maxParallelPointsStartsTheWaitingPointsAsSlotsFreeUp() {
    ArrestTraining sweep = Trainings.phiSweep("capped");
    sweep.getSpec().runPolicy.maxParallelPoints = 2;

    ArrestTraining training = pretrained(sweep);

    assertEquals(
        List.of("capped-p00-finetune", "capped-p01-finetune", "capped-pretrain"), jobNames());
    assertEquals(PointPhase.PENDING, point(training, 2).phase);
    assertEquals(
        "waiting for a free slot: spec.runPolicy.maxParallelPoints is 2",
        point(training, 2).message);

    kubelet.finish(job("capped-p00-finetune"), 0, trainingStageResult(Stage.FINETUNE, 2));
    reconcile("capped");
    assertNotNull(job("capped-p00-evaluate"));
    assertNull(job("capped-p02-finetune"), "point 0 still holds its slot while it is evaluated");

    kubelet.finish(job("capped-p00-evaluate"), 0, evaluation(0.78, 0.46, null));
    training = reconcile("capped");

    assertNotNull(job("capped-p02-finetune"), "the freed slot is used in the same reconciliation");
    assertEquals(PointPhase.FINETUNING, point(training, 2).phase);
    assertNull(point(training, 2).message);
  }

  @Test
  void aSweepWhosePointsAllTrainFromScratchSkipsThePretraining() {
    apply(
        Trainings.parse(
            Trainings.sweepYaml("scratch", "methods: [at, trades]\ntradesBetas: [1, 6]\n")));

    ArrestTraining training = reconcile("scratch");

    assertEquals(StagePhase.SKIPPED, training.getStatus().stages.pretrain.phase);
    assertTrue(
        training
            .getStatus()
            .stages
            .pretrain
            .message
            .contains("every point of the sweep trains from scratch"));
    assertEquals(
        List.of("scratch-p00-finetune", "scratch-p01-finetune", "scratch-p02-finetune"),
        jobNames());
    assertEquals(
        List.of("at", "trades beta=1", "trades beta=6"),
        training.getStatus().points.stream().map(p -> p.label).toList());
  }

  /**
   * Three inline reference points that trace a decreasing tradeoff over standard accuracy 70 to 90
   * %.
   */
  private static TradeoffSpec inlineReference() {
    TradeoffSpec tradeoff = new TradeoffSpec();
    tradeoff.points =
        List.of(
            referencePoint("a", 70, 50), referencePoint("b", 80, 42), referencePoint("c", 90, 30));
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
}
