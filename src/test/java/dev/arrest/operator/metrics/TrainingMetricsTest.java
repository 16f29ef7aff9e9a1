package dev.arrest.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.AttackAccuracy;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingResults;
import dev.arrest.operator.testing.Trainings;
import io.prometheus.client.CollectorRegistry;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingMetricsTest {
  private final CollectorRegistry registry = new CollectorRegistry(true);
  private final TrainingMetrics metrics = new TrainingMetrics(registry);

  private static final String[] LABELS = {"namespace", "name", "method"};
  private static final String[] VALUES = {"ml", "quick", "arrest"};

  private Double value(String metric, String[] names, String[] values) {
    return registry.getSampleValue(metric, names, values);
  }

  private Double training(String metric) {
    return value(metric, LABELS, VALUES);
  }

  private Double withExtra(String metric, String label, String value) {
    return value(
        metric,
        new String[] {"namespace", "name", "method", label},
        new String[] {"ml", "quick", "arrest", value});
  }

  private static ArrestTraining training(TrainingPhase phase) {
    ArrestTraining training = Trainings.fashionMnist("quick");
    training.setStatus(new ArrestTrainingStatus());
    training.getStatus().phase = phase;
    return training;
  }

  private static TrainingResults results(Double tradeoff, String... attacks) {
    TrainingResults results = new TrainingResults();
    results.standardAccuracy = 0.81;
    results.robustAccuracy = 0.4;
    results.tradeoffScore = tradeoff;
    results.attacks =
        java.util.Arrays.stream(attacks)
            .map(
                name -> {
                  AttackAccuracy attack = new AttackAccuracy();
                  attack.name = name;
                  attack.robustAccuracy = 0.45;
                  return attack;
                })
            .toList();
    return results;
  }

  @Test
  void aRunningTrainingHasPhaseAndStageProgressButNoAccuracy() {
    ArrestTraining training = training(TrainingPhase.FINETUNING);
    training.getStatus().progress = new TrainingProgress();
    training.getStatus().progress.stage = "finetune";
    training.getStatus().progress.fraction = 0.25;

    metrics.update(training);

    assertEquals(1.0, withExtra("arrest_training_phase", "phase", "Finetuning"));
    assertEquals(0.0, withExtra("arrest_training_phase", "phase", "Pretraining"));
    assertEquals(0.25, withExtra("arrest_training_stage_progress_ratio", "stage", "finetune"));
    assertNull(training("arrest_training_standard_accuracy"));
    assertNull(withExtra("arrest_training_robust_accuracy", "attack", "worst-case"));
    assertEquals(
        1.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Finetuning"}));
    assertEquals(
        0.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Succeeded"}));
  }

  @Test
  void aSucceededTrainingHasItsAccuraciesAndOnlyAReportedTradeoffScore() {
    ArrestTraining training = training(TrainingPhase.SUCCEEDED);
    training.getStatus().results = results(null, "pgd-20", "pgd-20x5");

    metrics.update(training);

    assertEquals(0.81, training("arrest_training_standard_accuracy"));
    assertEquals(0.4, withExtra("arrest_training_robust_accuracy", "attack", "worst-case"));
    assertEquals(0.45, withExtra("arrest_training_robust_accuracy", "attack", "pgd-20x5"));
    assertNull(training("arrest_training_tradeoff_score"), "no series without a reported score");

    training.getStatus().results = results(0.33, "pgd-20");
    metrics.update(training);
    assertEquals(0.33, training("arrest_training_tradeoff_score"));
    assertNull(
        withExtra("arrest_training_robust_accuracy", "attack", "pgd-20x5"),
        "stale attack series removed");
  }

  @Test
  void stageProgressFollowsTheCurrentStage() {
    ArrestTraining training = training(TrainingPhase.PRETRAINING);
    training.getStatus().progress = new TrainingProgress();
    training.getStatus().progress.stage = "pretrain";
    training.getStatus().progress.fraction = 1.0;
    metrics.update(training);

    training.getStatus().phase = TrainingPhase.FINETUNING;
    training.getStatus().progress.stage = "finetune";
    training.getStatus().progress.fraction = 0.1;
    metrics.update(training);

    assertNull(withExtra("arrest_training_stage_progress_ratio", "stage", "pretrain"));
    assertEquals(0.1, withExtra("arrest_training_stage_progress_ratio", "stage", "finetune"));
  }

  @Test
  void aDeletedTrainingLeavesNoSeries() {
    ArrestTraining training = training(TrainingPhase.SUCCEEDED);
    training.getStatus().results = results(0.5, "pgd-20");
    training.getStatus().progress = new TrainingProgress();
    training.getStatus().progress.stage = "evaluate";
    training.getStatus().progress.fraction = 1.0;
    metrics.update(training);

    metrics.remove("ml", "quick");

    List<String> remaining =
        Collections.list(registry.metricFamilySamples()).stream()
            .flatMap(family -> family.samples.stream())
            .filter(sample -> sample.labelValues.contains("quick"))
            .map(sample -> sample.name + sample.labelValues)
            .toList();
    assertEquals(List.of(), remaining);
    assertEquals(
        0.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Succeeded"}));
  }

  @Test
  void countsTrainingsByPhase() {
    metrics.update(training(TrainingPhase.SUCCEEDED));
    ArrestTraining other = Trainings.fashionMnist("other");
    other.setStatus(new ArrestTrainingStatus());
    other.getStatus().phase = TrainingPhase.FAILED;
    metrics.update(other);
    ArrestTraining third = Trainings.fashionMnist("third");
    third.setStatus(new ArrestTrainingStatus());
    third.getStatus().phase = TrainingPhase.SUCCEEDED;
    metrics.update(third);

    assertEquals(
        2.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Succeeded"}));
    assertEquals(1.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Failed"}));
  }

  @Test
  void reconcileMetricsCountAndTime() {
    ReconcileMetrics reconcile = new ReconcileMetrics(registry);
    try (ReconcileMetrics.Timing ignored = reconcile.start()) {
      reconcile.error();
    }
    assertEquals(1.0, registry.getSampleValue("arrest_operator_reconciliations_total"));
    assertEquals(1.0, registry.getSampleValue("arrest_operator_reconcile_errors_total"));
    assertEquals(1.0, registry.getSampleValue("arrest_operator_reconcile_duration_seconds_count"));
  }

  @Test
  void liveProgressValuesAreSeriesOfTheRunningStageAndLeaveWithIt() {
    ArrestTraining training = training(TrainingPhase.FINETUNING);
    TrainingProgress progress = new TrainingProgress();
    progress.stage = "finetune";
    progress.fraction = 0.5;
    progress.loss = 1.25;
    progress.rgkdLoss = 0.125;
    progress.noisyReplayRate = 0.3;
    progress.accuracy = 0.625;
    progress.imagesPerSecond = 800.0;
    progress.etaSeconds = 90.0;
    training.getStatus().progress = progress;
    metrics.update(training);

    assertEquals(1.25, withExtra("arrest_training_loss", "stage", "finetune"));
    assertEquals(0.125, withExtra("arrest_training_rgkd_loss", "stage", "finetune"));
    assertEquals(0.3, withExtra("arrest_training_noisy_replay_rate", "stage", "finetune"));
    assertEquals(0.625, withExtra("arrest_training_accuracy", "stage", "finetune"));
    assertEquals(800.0, withExtra("arrest_training_images_per_second", "stage", "finetune"));
    assertEquals(90.0, withExtra("arrest_training_eta_seconds", "stage", "finetune"));

    // Evaluation reports no losses: the finetune series go, the ones it reports move to its stage.
    TrainingProgress evaluation = new TrainingProgress();
    evaluation.stage = "evaluate";
    evaluation.fraction = 0.1;
    training.getStatus().phase = TrainingPhase.EVALUATING;
    training.getStatus().progress = evaluation;
    metrics.update(training);
    assertNull(withExtra("arrest_training_loss", "stage", "finetune"));
    assertNull(withExtra("arrest_training_noisy_replay_rate", "stage", "finetune"));
    assertNull(withExtra("arrest_training_images_per_second", "stage", "evaluate"));
    assertEquals(0.1, withExtra("arrest_training_stage_progress_ratio", "stage", "evaluate"));
    assertNull(withExtra("arrest_training_stage_progress_ratio", "stage", "finetune"));

    training.getStatus().progress = progress;
    metrics.update(training);
    metrics.remove("ml", "quick");
    assertNull(withExtra("arrest_training_loss", "stage", "finetune"));
    assertNull(withExtra("arrest_training_eta_seconds", "stage", "finetune"));
  }

  @Test
  void aFinishedTrainingKeepsItsOutcomeButNoLiveValues() {
    for (TrainingPhase end : List.of(TrainingPhase.SUCCEEDED, TrainingPhase.FAILED)) {
      ArrestTraining training = training(TrainingPhase.EVALUATING);
      TrainingProgress progress = new TrainingProgress();
      progress.stage = "evaluate";
      progress.fraction = 0.9;
      progress.loss = 0.5;
      progress.accuracy = 0.75;
      progress.imagesPerSecond = 500.0;
      progress.etaSeconds = 3.0;
      training.getStatus().progress = progress;
      metrics.update(training);
      assertEquals(0.9, withExtra("arrest_training_stage_progress_ratio", "stage", "evaluate"));

      // The lifecycle leaves the last progress in the status of a finished training.
      training.getStatus().phase = end;
      training.getStatus().results = end == TrainingPhase.SUCCEEDED ? results(0.2, "pgd-20") : null;
      metrics.update(training);

      for (String live :
          List.of(
              "arrest_training_stage_progress_ratio",
              "arrest_training_loss",
              "arrest_training_accuracy",
              "arrest_training_images_per_second",
              "arrest_training_eta_seconds")) {
        assertNull(withExtra(live, "stage", "evaluate"), live + " of a " + end + " training");
      }
      assertEquals(1.0, withExtra("arrest_training_phase", "phase", end.toString()));
      if (end == TrainingPhase.SUCCEEDED) {
        assertEquals(0.81, training("arrest_training_standard_accuracy"));
        assertEquals(0.4, withExtra("arrest_training_robust_accuracy", "attack", "worst-case"));
        assertEquals(0.2, training("arrest_training_tradeoff_score"));
      }
      assertEquals(
          1.0, value("arrest_trainings", new String[] {"phase"}, new String[] {end.toString()}));
      metrics.remove("ml", "quick");
    }
  }

  @Test
  void theShippedReferenceSetsAreExportedAsFractions() {
    ReferenceCurveMetrics.register(registry);
    List<io.prometheus.client.Collector.MetricFamilySamples.Sample> points =
        Collections.list(
                registry.filteredMetricFamilySamples(
                    java.util.Set.of(ReferenceCurveMetrics.STANDARD)))
            .get(0)
            .samples;
    assertEquals(true, points.size() > 5, "points: " + points.size());
    for (var point : points) {
      assertEquals(true, point.value > 0 && point.value <= 1, point.toString());
      Double robust =
          value(
              ReferenceCurveMetrics.ROBUST,
              new String[] {"reference", "method"},
              point.labelValues.toArray(String[]::new));
      assertEquals(
          true,
          robust != null && robust >= 0 && robust < point.value,
          point.labelValues + " " + robust);
    }
    java.util.Set<String> references = new java.util.TreeSet<>();
    points.forEach(p -> references.add(p.labelValues.get(0)));
    assertEquals(java.util.Set.of("cifar10-linf-8255", "cifar10-linf-8255-wrn34"), references);
  }

  @Test
  void aMethodPublishedTwiceKeepsBothPoints() {
    dev.arrest.tradeoff.ReferenceSet set =
        new dev.arrest.tradeoff.ReferenceSet(
            "team",
            List.of(
                new dev.arrest.tradeoff.ReferencePoint("TRADES", 84.9, 53.1, "paper"),
                new dev.arrest.tradeoff.ReferencePoint("TRADES", 85.5, 54.0, "rerun")));
    ReferenceCurveMetrics.register(registry, List.of(set));
    String[] names = {"reference", "method"};
    assertEquals(
        0.849,
        value(ReferenceCurveMetrics.STANDARD, names, new String[] {"team", "TRADES"}),
        1e-12);
    assertEquals(
        0.54,
        value(ReferenceCurveMetrics.ROBUST, names, new String[] {"team", "TRADES (2)"}),
        1e-12);
  }
}
