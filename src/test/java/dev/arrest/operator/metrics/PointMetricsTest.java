package dev.arrest.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.AttackAccuracy;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.PointPhase;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.SweepStatus;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingResults;
import dev.arrest.operator.testing.Trainings;
import io.prometheus.client.CollectorRegistry;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sweep's series, through {@link TrainingMetrics} as the reconciler uses it. */
class PointMetricsTest {
  private final CollectorRegistry registry = new CollectorRegistry(true);
  private final TrainingMetrics metrics = new TrainingMetrics(registry);

  private Double value(String metric, String[] names, String[] values) {
    return registry.getSampleValue(metric, names, values);
  }

  private static TrainingResults results(double standard, Double tradeoff) {
    TrainingResults results = new TrainingResults();
    results.standardAccuracy = standard;
    results.robustAccuracy = 0.4;
    results.tradeoffScore = tradeoff;
    AttackAccuracy attack = new AttackAccuracy();
    attack.name = "pgd-20";
    attack.robustAccuracy = 0.45;
    results.attacks = List.of(attack);
    return results;
  }

  private static PointStatus point(
      int id,
      String label,
      FinetuningMethod method,
      PointPhase phase,
      Double standard,
      Double tradeoff) {
    PointStatus point = new PointStatus();
    point.id = id;
    point.label = label;
    point.method = method;
    point.phase = phase;
    point.results = standard == null ? null : results(standard, tradeoff);
    return point;
  }

  private static ArrestTraining methodsSweep(TrainingPhase phase, PointStatus... points) {
    ArrestTraining training =
        Trainings.parse(Trainings.sweepYaml("sweep", "methods: [at, arrest]\n"));
    training.setStatus(new ArrestTrainingStatus());
    training.getStatus().phase = phase;
    training.getStatus().points = List.of(points);
    return training;
  }

  private Double pointValue(
      String metric, String method, String point, String label, String... attack) {
    String[] names =
        attack.length == 0
            ? new String[] {"namespace", "name", "method", "point", "point_label"}
            : new String[] {"namespace", "name", "method", "point", "point_label", "attack"};
    String[] values =
        attack.length == 0
            ? new String[] {"ml", "sweep", method, point, label}
            : new String[] {"ml", "sweep", method, point, label, attack[0]};
    return value(metric, names, values);
  }

  @Test
  void aSweepHasPerPointSeriesLabelledWithThePointAndItsScoreOnceScored() {
    ArrestTraining training =
        methodsSweep(
            TrainingPhase.EVALUATING,
            point(0, "at", FinetuningMethod.AT, PointPhase.SUCCEEDED, 0.78, null),
            point(1, "arrest", FinetuningMethod.ARREST, PointPhase.EVALUATING, null, null));

    metrics.update(training);

    assertEquals(0.78, pointValue("arrest_training_point_standard_accuracy", "at", "0", "at"));
    assertEquals(
        0.4, pointValue("arrest_training_point_robust_accuracy", "at", "0", "at", "worst-case"));
    assertEquals(
        0.45, pointValue("arrest_training_point_robust_accuracy", "at", "0", "at", "pgd-20"));
    assertNull(
        pointValue("arrest_training_point_standard_accuracy", "arrest", "1", "arrest"),
        "not evaluated yet");
    assertNull(pointValue("arrest_training_point_tradeoff_score", "at", "0", "at"));
    String[] sweepLabels = {"namespace", "name", "method"};
    String[] sweepValues = {"ml", "sweep", "at,arrest"};
    assertEquals(
        1.0,
        value(
            "arrest_training_phase",
            new String[] {"namespace", "name", "method", "phase"},
            new String[] {"ml", "sweep", "at,arrest", "Evaluating"}),
        "a methods sweep's method label lists them");
    String[] phaseLabels = {"namespace", "name", "method", "phase"};
    assertEquals(
        1.0,
        value(
            "arrest_training_points",
            phaseLabels,
            new String[] {"ml", "sweep", "at,arrest", "Succeeded"}));
    assertEquals(
        0.0,
        value(
            "arrest_training_points",
            phaseLabels,
            new String[] {"ml", "sweep", "at,arrest", "Pending"}));
    assertNull(
        value("arrest_training_sweep_score", sweepLabels, sweepValues), "no score before the end");

    training =
        methodsSweep(
            TrainingPhase.SUCCEEDED,
            point(0, "at", FinetuningMethod.AT, PointPhase.SUCCEEDED, 0.78, null),
            point(1, "arrest", FinetuningMethod.ARREST, PointPhase.SUCCEEDED, 0.83, 1.25));
    training.getStatus().sweep = new SweepStatus();
    training.getStatus().sweep.meanRobustGain = 2.5;
    metrics.update(training);

    assertEquals(1.25, pointValue("arrest_training_point_tradeoff_score", "arrest", "1", "arrest"));
    assertEquals(2.5, value("arrest_training_sweep_score", sweepLabels, sweepValues));
    assertEquals(
        2.0,
        value(
            "arrest_training_points",
            phaseLabels,
            new String[] {"ml", "sweep", "at,arrest", "Succeeded"}));
  }

  @Test
  void aDeletedSweepLeavesNoPointSeries() {
    ArrestTraining training =
        methodsSweep(
            TrainingPhase.SUCCEEDED,
            point(0, "at", FinetuningMethod.AT, PointPhase.SUCCEEDED, 0.78, 0.5),
            point(1, "arrest", FinetuningMethod.ARREST, PointPhase.SUCCEEDED, 0.83, 1.25));
    training.getStatus().sweep = new SweepStatus();
    training.getStatus().sweep.meanRobustGain = 2.5;
    metrics.update(training);

    metrics.remove("ml", "sweep");

    List<String> remaining =
        Collections.list(registry.metricFamilySamples()).stream()
            .flatMap(family -> family.samples.stream())
            .filter(sample -> sample.labelValues.contains("sweep"))
            .map(sample -> sample.name + sample.labelValues)
            .toList();
    assertEquals(List.of(), remaining);
  }
}
