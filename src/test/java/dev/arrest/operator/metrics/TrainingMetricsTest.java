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
    return value(metric, new String[] {"namespace", "name", "method", label},
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
    results.attacks = java.util.Arrays.stream(attacks).map(name -> {
      AttackAccuracy attack = new AttackAccuracy();
      attack.name = name;
      attack.robustAccuracy = 0.45;
      return attack;
    }).toList();
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
    assertEquals(1.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Finetuning"}));
    assertEquals(0.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Succeeded"}));
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
    assertNull(withExtra("arrest_training_robust_accuracy", "attack", "pgd-20x5"), "stale attack series removed");
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

    List<String> remaining = Collections.list(registry.metricFamilySamples()).stream()
        .flatMap(family -> family.samples.stream())
        .filter(sample -> sample.labelValues.contains("quick"))
        .map(sample -> sample.name + sample.labelValues)
        .toList();
    assertEquals(List.of(), remaining);
    assertEquals(0.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Succeeded"}));
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

    assertEquals(2.0, value("arrest_trainings", new String[] {"phase"}, new String[] {"Succeeded"}));
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
}
