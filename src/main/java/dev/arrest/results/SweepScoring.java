package dev.arrest.results;

import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.tradeoff.ConfidenceIntervals;
import dev.arrest.tradeoff.ReferencePoint;
import dev.arrest.tradeoff.ReferenceSet;
import dev.arrest.tradeoff.RunPoint;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffCurve;
import dev.arrest.tradeoff.TradeoffReferences;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Scores a finished sweep (docs/sweeps.md): against the spec's reference curve, or against a curve
 * fitted to the sweep's own baseline points ({@code fromSweepMethods}), which also gives the other
 * points their scores. Whatever cannot be computed is left out of the results with a warning saying
 * why. Shared by the CLI and the operator.
 */
public final class SweepScoring {
  private SweepScoring() {}

  /**
   * Sets {@code results.sweep}, {@code referenceCurve}, per-point scores and warnings from {@code
   * results.points}.
   */
  public static void apply(RunResults results, TradeoffSpec tradeoff) {
    apply(results, tradeoff, point -> true);
  }

  /**
   * As {@link #apply(RunResults, TradeoffSpec)}, with the sweep score computed over the scored
   * points {@code inSweepScore} accepts only (e.g. the phi sweep of one method among several runs
   * compared; every scored point still gets its own score).
   */
  public static void apply(
      RunResults results, TradeoffSpec tradeoff, Predicate<PointResults> inSweepScore) {
    results.sweep = null;
    results.referenceCurve = null;
    List<String> warnings = new ArrayList<>();
    results.warnings = warnings;
    List<PointResults> points = results.points;
    if (tradeoff == null) {
      warnings.add(
          "the sweep is not scored: spec.evaluation.tradeoff is not set (a reference set, points,"
              + " or fromSweepMethods)");
      return;
    }
    List<String> unevaluated =
        points.stream().filter(p -> p.summary == null).map(SweepScoring::name).toList();
    if (!unevaluated.isEmpty()) {
      warnings.add("the sweep is not scored: no evaluation of " + String.join(", ", unevaluated));
      return;
    }
    List<PointResults> scored = points;
    TradeoffCurve curve;
    if (tradeoff.fromSweepMethods != null) {
      List<PointResults> references =
          points.stream().filter(p -> isOwnReference(p, tradeoff)).toList();
      scored = points.stream().filter(p -> !isOwnReference(p, tradeoff)).toList();
      references.forEach(p -> p.reference = true);
      try {
        curve = ownReferenceCurve(references, tradeoff);
      } catch (IllegalArgumentException e) {
        warnings.add(
            "the sweep is not scored: its reference points ("
                + references.stream().map(p -> p.label).collect(Collectors.joining(", "))
                + ") give no reference curve: "
                + e.getMessage());
        return;
      }
      results.referenceCurve = curve.summary();
      for (PointResults point : scored) {
        point.summary =
            point.summary.withTradeoffScore(
                curve.score(
                    100 * point.summary.standardAccuracy(), 100 * point.summary.robustAccuracy()));
      }
    } else {
      curve = TradeoffReferences.curve(tradeoff);
    }
    warnIfBudgetsDiffer(scored, warnings);
    scored = scored.stream().filter(inSweepScore).toList();
    if (scored.size() < 2) {
      warnings.add(
          "the sweep is not scored: a sweep score needs at least 2 scored points, this sweep has "
              + scored.size()
              + " (each point is still scored on its own)");
      return;
    }
    try {
      results.sweep = SweepScore.compute(curve, runPoints(scored));
    } catch (IllegalArgumentException e) {
      warnings.add(
          "the sweep is not scored: "
              + e.getMessage()
              + " (each point is still scored on its own)");
    }
  }

  /** The Wilson intervals of a point's accuracies, or null when its sample size is unknown. */
  private static ConfidenceIntervals intervals(RunResults.Summary summary) {
    Integer samples = summary.samples();
    return samples == null || samples < 1
        ? null
        : ConfidenceIntervals.wilson(
            100 * summary.standardAccuracy(), 100 * summary.robustAccuracy(), samples);
  }

  /**
   * The points as the tradeoff code takes them: labelled, in percent, with the Wilson intervals of
   * their accuracies when the sample size is known.
   */
  public static List<RunPoint> runPoints(List<PointResults> points) {
    return points.stream()
        .map(
            p ->
                new RunPoint(
                    p.label,
                    100 * p.summary.standardAccuracy(),
                    100 * p.summary.robustAccuracy(),
                    intervals(p.summary)))
        .toList();
  }

  /**
   * The curve fitted to the sweep's own reference points; IllegalArgumentException when they trace
   * none.
   */
  public static TradeoffCurve ownReferenceCurve(
      List<PointResults> references, TradeoffSpec tradeoff) {
    return ownReferenceSet(references, tradeoff).fitCurve(tradeoff.degree, tradeoff.fit);
  }

  /** The sweep's own reference points as the set its curve is fitted to ({@code sweep:...}). */
  public static ReferenceSet ownReferenceSet(List<PointResults> references, TradeoffSpec tradeoff) {
    return new ReferenceSet(referenceName(tradeoff), ownReferencePoints(references));
  }

  /** Evaluated points as reference points, in percent, named by their labels. */
  public static List<ReferencePoint> ownReferencePoints(List<PointResults> references) {
    return references.stream()
        .map(
            p ->
                new ReferencePoint(
                    p.label,
                    100 * p.summary.standardAccuracy(),
                    100 * p.summary.robustAccuracy(),
                    "this sweep, point " + p.id,
                    intervals(p.summary)))
        .toList();
  }

  /**
   * Whether the point belongs to the reference fitted to the sweep's own points ({@code
   * fromSweepMethods}).
   */
  public static boolean isOwnReference(PointResults point, TradeoffSpec tradeoff) {
    return tradeoff.fromSweepMethods != null
        && tradeoff.fromSweepMethods.stream()
            .map(FinetuningMethod::toString)
            .anyMatch(m -> m.equals(point.method));
  }

  /**
   * The name scores give a reference fitted to the sweep's own points, e.g. {@code
   * sweep:at,trades}.
   */
  public static String referenceName(TradeoffSpec tradeoff) {
    return "sweep:"
        + tradeoff.fromSweepMethods.stream().map(Object::toString).collect(Collectors.joining(","));
  }

  /** Points evaluated under different budgets are not on one tradeoff: say so, but still score. */
  private static void warnIfBudgetsDiffer(List<PointResults> points, List<String> warnings) {
    Set<String> budgets = new LinkedHashSet<>();
    for (PointResults point : points) {
      budgets.add(
          point.stages.get(Stage.EVALUATE).evaluation.attacks().stream()
              .map(a -> String.format(Locale.ROOT, "%.4g", a.epsilon()))
              .distinct()
              .collect(Collectors.joining("/")));
    }
    if (budgets.size() > 1) {
      warnings.add(
          "the scored points were evaluated at different epsilons ("
              + String.join(", ", budgets)
              + "), so they do not lie on one tradeoff; set spec.evaluation.epsilon to evaluate"
              + " every point under one budget");
    }
  }

  private static String name(PointResults point) {
    return "point " + point.id + " (" + point.label + ")";
  }
}
