package dev.arrest.tradeoff;

import java.util.List;

/**
 * What a fitted tradeoff curve is, for results files: enough to redraw it and to see which fit was
 * used. The curve is {@code robust(x) = sum_k coefficients[k] * ((x - center) / halfWidth)^k} on
 * {@code standardRange}, extended linearly beyond it.
 *
 * @param reference name of the points the curve was fitted to
 * @param requestedDegree degree asked for
 * @param degree degree used; lower than requested when the monotone fallback applied
 * @param pointCount number of points fitted
 * @param rmsResidual root-mean-square of the robust-accuracy residuals, in percentage points
 * @param rejectedFits one sentence per higher degree rejected for not decreasing over the range
 * @param leftOutPoints one sentence per reference point not fitted, saying why (0 % robust, or
 *     dominated by another point with {@code fit: frontier}); empty in results written before it
 *     existed
 */
public record CurveSummary(
    String reference,
    int requestedDegree,
    int degree,
    int pointCount,
    Interval standardRange,
    Interval robustRange,
    double center,
    double halfWidth,
    List<Double> coefficients,
    double rmsResidual,
    List<String> rejectedFits,
    List<String> leftOutPoints) {

  public CurveSummary {
    coefficients = List.copyOf(coefficients);
    rejectedFits = List.copyOf(rejectedFits);
    leftOutPoints = leftOutPoints == null ? List.of() : List.copyOf(leftOutPoints);
  }
}
