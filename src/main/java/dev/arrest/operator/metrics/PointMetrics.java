package dev.arrest.operator.metrics;

import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.AttackAccuracy;
import dev.arrest.api.v1alpha1.PointPhase;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.TrainingResults;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's gauges, mirrored from status.points and status.sweep: each point's accuracies and
 * tradeoff score, labelled with the point's id ({@code point}, as in the arrest.dev/point label of
 * its Jobs), its readable label ({@code point_label}) and its own method; the number of points by
 * phase; and the sweep score. As for single runs, a series exists only while the status holds its
 * value.
 */
final class PointMetrics {
  private static final String[] POINT_LABELS = {
    "namespace", "name", "method", "point", "point_label"
  };

  private final TrackedGauge standardAccuracy;
  private final TrackedGauge robustAccuracy;
  private final TrackedGauge tradeoffScore;
  private final TrackedGauge points;
  private final TrackedGauge sweepScore;

  PointMetrics(CollectorRegistry registry) {
    standardAccuracy =
        new TrackedGauge(
            Gauge.build(
                    "arrest_training_point_standard_accuracy",
                    "Clean test accuracy of a sweep point's finetuned model, a fraction in [0, 1].")
                .labelNames(POINT_LABELS)
                .register(registry));
    robustAccuracy =
        new TrackedGauge(
            Gauge.build(
                    "arrest_training_point_robust_accuracy",
                    "Robust test accuracy of a sweep point under one attack, a fraction in [0, 1];"
                        + " attack=\""
                        + TrainingMetrics.WORST_CASE_ATTACK
                        + "\" is the per-example worst case over all attacks.")
                .labelNames("namespace", "name", "method", "point", "point_label", "attack")
                .register(registry));
    tradeoffScore =
        new TrackedGauge(
            Gauge.build(
                    "arrest_training_point_tradeoff_score",
                    "Tradeoff score of a sweep point: signed distance in percentage points from the"
                        + " reference tradeoff curve, positive when better; only for points that"
                        + " have one.")
                .labelNames(POINT_LABELS)
                .register(registry));
    points =
        new TrackedGauge(
            Gauge.build("arrest_training_points", "Number of a sweep's points by phase.")
                .labelNames("namespace", "name", "method", "phase")
                .register(registry));
    sweepScore =
        new TrackedGauge(
            Gauge.build(
                    "arrest_training_sweep_score",
                    "Sweep score: mean robust-accuracy gain in percentage points of the curve the"
                        + " sweep's points trace over the reference curve, positive when better;"
                        + " only once the sweep is scored.")
                .labelNames("namespace", "name", "method")
                .register(registry));
  }

  /**
   * Mirrors a training's points and sweep score; a training without points has none of these
   * series.
   */
  void update(
      String key, String namespace, String name, String method, ArrestTrainingStatus status) {
    Map<List<String>, Double> standard = new LinkedHashMap<>();
    Map<List<String>, Double> robust = new LinkedHashMap<>();
    Map<List<String>, Double> tradeoff = new LinkedHashMap<>();
    Map<List<String>, Double> byPhase = new LinkedHashMap<>();
    List<PointStatus> entries = status == null || status.points == null ? List.of() : status.points;
    if (!entries.isEmpty()) {
      for (PointPhase phase : PointPhase.values()) {
        byPhase.put(
            List.of(namespace, name, method, phase.toString()),
            (double) entries.stream().filter(p -> p.phase == phase).count());
      }
    }
    for (PointStatus point : entries) {
      TrainingResults results = point.results;
      if (results == null) {
        continue;
      }
      List<String> labels =
          List.of(
              namespace,
              name,
              String.valueOf(point.method),
              String.valueOf(point.id),
              String.valueOf(point.label));
      if (results.standardAccuracy != null) {
        standard.put(labels, results.standardAccuracy);
      }
      if (results.tradeoffScore != null) {
        tradeoff.put(labels, results.tradeoffScore);
      }
      if (results.robustAccuracy != null) {
        robust.put(withAttack(labels, TrainingMetrics.WORST_CASE_ATTACK), results.robustAccuracy);
        for (AttackAccuracy attack :
            results.attacks == null ? List.<AttackAccuracy>of() : results.attacks) {
          if (attack.name != null && attack.robustAccuracy != null) {
            robust.put(withAttack(labels, attack.name), attack.robustAccuracy);
          }
        }
      }
    }
    standardAccuracy.sync(key, standard);
    robustAccuracy.sync(key, robust);
    tradeoffScore.sync(key, tradeoff);
    points.sync(key, byPhase);
    Double score = status == null || status.sweep == null ? null : status.sweep.meanRobustGain;
    sweepScore.sync(
        key, score == null ? Map.of() : Map.of(List.of(namespace, name, method), score));
  }

  void remove(String key) {
    standardAccuracy.remove(key);
    robustAccuracy.remove(key);
    tradeoffScore.remove(key);
    points.remove(key);
    sweepScore.remove(key);
  }

  private static List<String> withAttack(List<String> labels, String attack) {
    List<String> all = new ArrayList<>(labels);
    all.add(attack);
    return List.copyOf(all);
  }
}
