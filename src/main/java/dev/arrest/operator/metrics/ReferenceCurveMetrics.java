package dev.arrest.operator.metrics;

import dev.arrest.tradeoff.ReferencePoint;
import dev.arrest.tradeoff.ReferenceSet;
import dev.arrest.tradeoff.ReferenceSets;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shipped reference tradeoff sets (the points that spec.evaluation.tradeoff scores against), as
 * constant gauges, so that a dashboard can draw the reference curve next to the trainings in the
 * accuracy-robustness plane. Fractions in [0, 1] like the training accuracies; one series per
 * published point, labelled with the set and the method.
 */
public final class ReferenceCurveMetrics {
  public static final String STANDARD = "arrest_tradeoff_reference_standard_accuracy";
  public static final String ROBUST = "arrest_tradeoff_reference_robust_accuracy";

  private ReferenceCurveMetrics() {}

  public static void register(CollectorRegistry registry) {
    register(registry, ReferenceSets.names().stream().map(ReferenceSets::load).toList());
  }

  static void register(CollectorRegistry registry, List<ReferenceSet> sets) {
    Gauge standard =
        Gauge.build(
                STANDARD,
                "Clean accuracy of a published point of a reference tradeoff set, a fraction in [0,"
                    + " 1].")
            .labelNames("reference", "method")
            .register(registry);
    Gauge robust =
        Gauge.build(
                ROBUST,
                "Robust accuracy (the set's attack, AutoAttack for the shipped sets) of a published"
                    + " point of a reference tradeoff set, a fraction in [0, 1].")
            .labelNames("reference", "method")
            .register(registry);
    for (ReferenceSet set : sets) {
      Map<String, Integer> seen = new HashMap<>();
      for (ReferencePoint point : set.points()) {
        // The same method may be published more than once (e.g. two architectures): keep every
        // point.
        int occurrence = seen.merge(point.method(), 1, Integer::sum);
        String method = occurrence == 1 ? point.method() : point.method() + " (" + occurrence + ")";
        standard.labels(set.name(), method).set(point.standardAccuracy() / 100);
        robust.labels(set.name(), method).set(point.robustAccuracy() / 100);
      }
    }
  }
}
