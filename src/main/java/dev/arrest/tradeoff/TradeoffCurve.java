package dev.arrest.tradeoff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A reference accuracy-robustness tradeoff curve: robust accuracy as a strictly decreasing function
 * of standard accuracy, both in percent, and the scores of runs against it.
 *
 * <p>The curve is a least-squares polynomial on the range of the fitted points' standard accuracies
 * (see {@link MonotoneFit} for the monotone fallback). Beyond that range it continues along its end
 * tangents, which keeps it strictly decreasing and invertible everywhere; every value that depends
 * on that extension is flagged in the scores. Definitions: docs/tradeoff-score.md.
 */
public final class TradeoffCurve {

  /**
   * Quadratic: a line cannot bend with the tradeoff, and a cubic through ~10 scattered results
   * chases noise (on the WRN-34-10 reference set it rises by 14 pp per pp at one end).
   */
  public static final int DEFAULT_DEGREE = 2;

  private final String reference;
  private final int requestedDegree;
  private final int pointCount;
  private final MonotoneFit.Result fit;
  private final Polynomial slope;
  private final List<String> leftOutPoints;

  private TradeoffCurve(
      String reference,
      int requestedDegree,
      int pointCount,
      MonotoneFit.Result fit,
      List<String> leftOutPoints) {
    this.reference = reference;
    this.requestedDegree = requestedDegree;
    this.pointCount = pointCount;
    this.fit = fit;
    this.slope = fit.polynomial().derivative();
    this.leftOutPoints = List.copyOf(leftOutPoints);
  }

  /** Fits a curve to user-supplied points, named "custom" in scores. */
  public static TradeoffCurve fit(List<ReferencePoint> points, int degree) {
    return fit("custom", points, degree);
  }

  /**
   * Fits exactly the given points; choosing which points take part (e.g. leaving out undefended
   * models) is the caller's business, see {@link ReferenceSet#fitCurve(int,
   * dev.arrest.api.v1alpha1.ReferenceFit)}.
   *
   * @throws IllegalArgumentException when there are fewer than {@code degree + 1} distinct standard
   *     accuracies, or when not even a line through the points decreases
   */
  public static TradeoffCurve fit(String reference, List<ReferencePoint> points, int degree) {
    return fit(
        reference,
        degree,
        points.stream().mapToDouble(ReferencePoint::standardAccuracy).toArray(),
        points.stream().mapToDouble(ReferencePoint::robustAccuracy).toArray());
  }

  /** The same fit through a sweep's runs, for {@link SweepScore}. */
  static TradeoffCurve fitRuns(String name, List<RunPoint> runs, int degree) {
    return fit(
        name,
        degree,
        runs.stream().mapToDouble(RunPoint::standardAccuracy).toArray(),
        runs.stream().mapToDouble(RunPoint::robustAccuracy).toArray());
  }

  private static TradeoffCurve fit(String name, int degree, double[] standard, double[] robust) {
    Objects.requireNonNull(name, "name");
    return new TradeoffCurve(
        name, degree, standard.length, MonotoneFit.fit(standard, robust, degree), List.of());
  }

  /** The same curve, recording why the given reference points were not fitted. */
  TradeoffCurve withLeftOutPoints(List<String> leftOut) {
    return new TradeoffCurve(reference, requestedDegree, pointCount, fit, leftOut);
  }

  public String reference() {
    return reference;
  }

  /** The degree actually used, after any monotone fallback. */
  public int degree() {
    return fit.polynomial().degree();
  }

  public int requestedDegree() {
    return requestedDegree;
  }

  /**
   * Sentences describing each higher-degree fit that was rejected for not decreasing; empty if
   * none.
   */
  public List<String> rejectedFits() {
    return fit.rejectedFits();
  }

  /**
   * One sentence per reference point of the set that was not fitted, saying why (see {@link
   * ReferenceSet#leftOutOfFit}); empty when the curve was fitted to a list of points directly.
   */
  public List<String> leftOutPoints() {
    return leftOutPoints;
  }

  /**
   * Standard accuracies of the fitted points, min to max: where the curve is a fit, not an
   * extension.
   */
  public Interval standardRange() {
    return fit.standardRange();
  }

  /** The curve's robust accuracies over {@link #standardRange()}. */
  public Interval robustRange() {
    return new Interval(fit.polynomial().valueAt(1), fit.polynomial().valueAt(-1));
  }

  /**
   * Robust accuracy on the curve at the given standard accuracy, extended linearly beyond the
   * range.
   */
  public double robustAt(double standardAccuracy) {
    Interval range = standardRange();
    if (standardAccuracy < range.from()) {
      return fit.polynomial().valueAt(-1) + slopeAtEnd(-1) * (standardAccuracy - range.from());
    }
    if (standardAccuracy > range.to()) {
      return fit.polynomial().valueAt(1) + slopeAtEnd(1) * (standardAccuracy - range.to());
    }
    return fit.polynomial().valueAt(clampedScaled(standardAccuracy));
  }

  /**
   * The inverse of {@link #robustAt}: standard accuracy on the curve at the given robust accuracy.
   */
  public double standardAt(double robustAccuracy) {
    Interval robustRange = robustRange();
    if (robustAccuracy > robustRange.to()) {
      return standardRange().from() + (robustAccuracy - robustRange.to()) / slopeAtEnd(-1);
    }
    if (robustAccuracy < robustRange.from()) {
      return standardRange().to() + (robustAccuracy - robustRange.from()) / slopeAtEnd(1);
    }
    return toStandard(scaledWhereRobustIs(robustAccuracy));
  }

  /** Scores one run with standard accuracy s and robust accuracy r, both in percent. */
  public TradeoffScore score(double standardAccuracy, double robustAccuracy) {
    double s = Accuracies.requirePercent("standard accuracy", standardAccuracy);
    double r = Accuracies.requirePercent("robust accuracy", robustAccuracy);
    List<String> extrapolated = new ArrayList<>();
    List<String> warnings = new ArrayList<>();

    double robustGain = r - robustAt(s);
    if (!standardRange().contains(s)) {
      extrapolated.add(TradeoffScore.ROBUST_GAIN_AT_EQUAL_STANDARD);
      warnings.add(
          String.format(
              Locale.ROOT,
              "standard accuracy %.2f %% is outside the reference range %s: %s uses the curve's"
                  + " linear extension",
              s,
              standardRange(),
              TradeoffScore.ROBUST_GAIN_AT_EQUAL_STANDARD));
    }
    double standardGain = s - standardAt(r);
    if (!robustRange().contains(r)) {
      extrapolated.add(TradeoffScore.STANDARD_GAIN_AT_EQUAL_ROBUST);
      warnings.add(
          String.format(
              Locale.ROOT,
              "robust accuracy %.2f %% is outside the curve's robust range %s: %s uses the curve's"
                  + " linear extension",
              r,
              robustRange(),
              TradeoffScore.STANDARD_GAIN_AT_EQUAL_ROBUST));
    }

    NearestPointOnCurve.Result nearest =
        NearestPointOnCurve.find(
            fit.polynomial(),
            fit.center(),
            fit.halfWidth(),
            s,
            r,
            clampedScaled(s),
            toScaled(standardAt(r)));
    // Above the curve and right of it are the same side, because the curve strictly decreases.
    double side = robustGain > 0 ? 1 : robustGain < 0 ? -1 : 0;
    double signedDistance = side * nearest.distance();
    if (nearest.beyondEnd()) {
      extrapolated.add(TradeoffScore.SIGNED_DISTANCE);
      warnings.add(
          String.format(
              Locale.ROOT,
              "the nearest point of the curve is its end at standard accuracy %.2f %%: %s is the"
                  + " distance to that end, not perpendicular to the curve, and its sign comes from"
                  + " the linear extension",
              toStandard(nearest.t()),
              TradeoffScore.SIGNED_DISTANCE));
    }
    warnings.addAll(
        fit.rejectedFits().stream().map(rejected -> "reference curve " + rejected).toList());
    // With every score: a single run's result records no curve of its own.
    warnings.addAll(
        leftOutPoints.stream().map(point -> "reference curve leaves out " + point).toList());
    return new TradeoffScore(
        signedDistance, robustGain, standardGain, reference, degree(), extrapolated, warnings);
  }

  public CurveSummary summary() {
    List<Double> coefficients = Arrays.stream(fit.polynomial().coefficients()).boxed().toList();
    return new CurveSummary(
        reference,
        requestedDegree,
        degree(),
        pointCount,
        standardRange(),
        robustRange(),
        fit.center(),
        fit.halfWidth(),
        coefficients,
        fit.rmsResidual(),
        fit.rejectedFits(),
        leftOutPoints);
  }

  /**
   * Integral of {@link #robustAt} over [from, to], which must lie within {@link #standardRange()}.
   */
  double integralOfRobust(double from, double to) {
    return fit.halfWidth() * fit.polynomial().integral(clampedScaled(from), clampedScaled(to));
  }

  /**
   * Integral of {@link #standardAt} over [from, to] within {@link #robustRange()}, by parts: for a
   * decreasing f with x1 = f^-1(to) and x2 = f^-1(from), it equals x1 * to - x2 * from + integral
   * of f over [x1, x2]. Exact up to the two inversions.
   */
  double integralOfStandard(double from, double to) {
    double left = standardAt(to);
    double right = standardAt(from);
    return left * to - right * from + integralOfRobust(left, right);
  }

  private double slopeAtEnd(double t) {
    return slope.valueAt(t) / fit.halfWidth();
  }

  private double toScaled(double standardAccuracy) {
    return (standardAccuracy - fit.center()) / fit.halfWidth();
  }

  /**
   * Scaled coordinate of a standard accuracy within the range, kept inside [-1, 1] despite
   * rounding.
   */
  private double clampedScaled(double standardAccuracy) {
    return Math.max(-1, Math.min(1, toScaled(standardAccuracy)));
  }

  private double toStandard(double t) {
    if (t == -1 || t == 1) {
      return t == -1 ? standardRange().from() : standardRange().to();
    }
    return fit.center() + fit.halfWidth() * t;
  }

  /**
   * Bisection on [-1, 1], where the polynomial strictly decreases; runs to full double precision.
   */
  private double scaledWhereRobustIs(double robustAccuracy) {
    double left = -1;
    double right = 1;
    while (true) {
      double middle = 0.5 * (left + right);
      if (middle <= left || middle >= right) {
        return middle;
      }
      double value = fit.polynomial().valueAt(middle);
      if (value == robustAccuracy) {
        return middle;
      }
      if (value > robustAccuracy) {
        left = middle;
      } else {
        right = middle;
      }
    }
  }
}
