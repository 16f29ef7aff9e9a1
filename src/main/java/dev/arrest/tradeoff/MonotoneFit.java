package dev.arrest.tradeoff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Least-squares polynomial fit of robust on standard accuracy that must strictly decrease over the
 * fitted standard-accuracy range; when a degree's fit does not, the next lower degree is tried,
 * down to a line.
 *
 * <p>Lowering the degree keeps the curve a smooth least-squares fit with few parameters, which is
 * what a handful of scattered published results supports; a line that still rises means the points
 * show no tradeoff at all, and that is reported rather than papered over.
 */
final class MonotoneFit {

  /**
   * The chosen fit, in the scaled coordinate t = (x - center) / halfWidth in [-1, 1]. The range
   * ends are kept as given: center +- halfWidth need not round back to them exactly.
   */
  record Result(
      Polynomial polynomial,
      Interval standardRange,
      double center,
      double halfWidth,
      List<String> rejectedFits,
      double rmsResidual) {}

  private MonotoneFit() {}

  static Result fit(double[] standard, double[] robust, int requestedDegree) {
    if (requestedDegree < 1) {
      throw new IllegalArgumentException(
          "the curve degree must be at least 1, got " + requestedDegree);
    }
    long distinct = Arrays.stream(standard).distinct().count();
    if (distinct < requestedDegree + 1) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "a degree-%d tradeoff curve needs at least %d points with distinct standard"
                  + " accuracies; got %d distinct among %d points",
              requestedDegree,
              requestedDegree + 1,
              distinct,
              standard.length));
    }
    double min = Arrays.stream(standard).min().orElseThrow();
    double max = Arrays.stream(standard).max().orElseThrow();
    double center = 0.5 * (min + max);
    double halfWidth = 0.5 * (max - min);
    double[] t = Arrays.stream(standard).map(x -> (x - center) / halfWidth).toArray();

    List<String> rejected = new ArrayList<>();
    for (int degree = requestedDegree; degree >= 1; degree--) {
      Polynomial polynomial = LeastSquares.fit(t, robust, degree);
      double[] steepestRise = polynomial.derivative().maximumOn(-1, 1);
      double maxSlope = steepestRise[1] / halfWidth;
      if (maxSlope < 0) {
        return new Result(
            polynomial,
            new Interval(min, max),
            center,
            halfWidth,
            rejected,
            rmsResidual(polynomial, t, robust));
      }
      rejected.add(
          String.format(
              Locale.ROOT,
              "degree %d rejected: its slope reaches %+.3f pp per pp at standard accuracy %.2f %%",
              degree,
              maxSlope,
              center + halfWidth * steepestRise[0]));
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "the points show no accuracy-robustness tradeoff on standard accuracy [%.2f, %.2f] %%:"
                + " no least-squares fit of degree %d down to 1 decreases over that range (%s)",
            min,
            max,
            requestedDegree,
            String.join("; ", rejected)));
  }

  private static double rmsResidual(Polynomial polynomial, double[] t, double[] y) {
    double sum = 0;
    for (int i = 0; i < t.length; i++) {
      double residual = polynomial.valueAt(t[i]) - y[i];
      sum += residual * residual;
    }
    return Math.sqrt(sum / t.length);
  }
}
