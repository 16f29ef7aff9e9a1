package dev.arrest.tradeoff;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Bjøntegaard-style average gap between the curve traced by a sweep of runs (e.g. ARREST at several
 * angle thresholds) and a reference curve, in percentage points, positive when the runs are better.
 * See docs/tradeoff-score.md.
 *
 * @param reference name of the reference curve
 * @param runCount number of runs in the sweep
 * @param runsCurveDegree degree of the runs' own fitted curve
 * @param standardOverlap standard-accuracy interval covered by both curves
 * @param meanRobustGain mean of (runs curve - reference curve) over {@code standardOverlap}
 * @param robustOverlap robust-accuracy interval covered by both curves; null when there is none
 * @param meanStandardGain mean of (runs curve^-1 - reference curve^-1) over {@code robustOverlap};
 *     null when there is no robust overlap
 * @param warnings one sentence per caveat
 */
public record SweepScore(
    String reference,
    int runCount,
    int runsCurveDegree,
    Interval standardOverlap,
    double meanRobustGain,
    Interval robustOverlap,
    Double meanStandardGain,
    List<String> warnings) {

  public SweepScore {
    warnings = List.copyOf(warnings);
  }

  /**
   * Fits the runs' own curve with the reference's fitting code and degree, capped at the number of
   * distinct standard accuracies minus one (two runs give a line), and averages the gap between the
   * two curves over their overlap.
   *
   * @throws IllegalArgumentException with fewer than two runs of distinct standard accuracy, when
   *     the runs trace no decreasing curve, or when the curves' standard-accuracy ranges do not
   *     overlap
   */
  public static SweepScore compute(TradeoffCurve reference, List<RunPoint> runs) {
    Objects.requireNonNull(reference, "reference");
    long distinctStandard =
        runs.stream().mapToDouble(RunPoint::standardAccuracy).distinct().count();
    if (distinctStandard < 2) {
      throw new IllegalArgumentException(
          "a sweep score needs at least 2 runs with distinct standard accuracies; got "
              + distinctStandard
              + " distinct among "
              + runs.size()
              + " runs");
    }
    int degree = (int) Math.min(reference.degree(), distinctStandard - 1);
    TradeoffCurve runsCurve = TradeoffCurve.fitRuns("runs", runs, degree);
    List<String> warnings = new ArrayList<>();
    runsCurve.rejectedFits().forEach(rejected -> warnings.add("runs curve " + rejected));

    Interval standardOverlap = overlap(reference.standardRange(), runsCurve.standardRange());
    if (standardOverlap == null) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the runs' standard accuracies %s do not overlap the reference '%s' range %s",
              runsCurve.standardRange(),
              reference.reference(),
              reference.standardRange()));
    }
    double meanRobustGain =
        (runsCurve.integralOfRobust(standardOverlap.from(), standardOverlap.to())
                - reference.integralOfRobust(standardOverlap.from(), standardOverlap.to()))
            / standardOverlap.width();

    Interval robustOverlap = overlap(reference.robustRange(), runsCurve.robustRange());
    Double meanStandardGain = null;
    if (robustOverlap == null) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "meanStandardGain is undefined: the runs curve's robust accuracies %s do not overlap"
                  + " the reference curve's %s",
              runsCurve.robustRange(),
              reference.robustRange()));
    } else {
      meanStandardGain =
          (runsCurve.integralOfStandard(robustOverlap.from(), robustOverlap.to())
                  - reference.integralOfStandard(robustOverlap.from(), robustOverlap.to()))
              / robustOverlap.width();
    }
    return new SweepScore(
        reference.reference(),
        runs.size(),
        runsCurve.degree(),
        standardOverlap,
        meanRobustGain,
        robustOverlap,
        meanStandardGain,
        warnings);
  }

  /** The common part of two intervals, or null when it is empty or a single point. */
  private static Interval overlap(Interval a, Interval b) {
    double from = Math.max(a.from(), b.from());
    double to = Math.min(a.to(), b.to());
    return from < to ? new Interval(from, to) : null;
  }
}
