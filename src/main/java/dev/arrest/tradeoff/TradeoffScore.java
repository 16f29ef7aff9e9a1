package dev.arrest.tradeoff;

import java.util.List;

/**
 * How far one run lies from a reference tradeoff curve. All distances and gains are in percentage
 * points; every value is positive when the run is better than the curve. See
 * docs/tradeoff-score.md.
 *
 * @param signedDistance Euclidean distance from the run to the nearest point of the curve over its
 *     reference range, positive above the curve
 * @param robustGainAtEqualStandard {@code r - curve(s)}
 * @param standardGainAtEqualRobust {@code s - curve^-1(r)}
 * @param reference name of the reference the curve was fitted to
 * @param curveDegree degree of the fitted curve (after any monotone fallback)
 * @param extrapolated names of the fields above that rely on the curve beyond its reference range
 * @param warnings one human-readable sentence per caveat, including each extrapolation
 */
public record TradeoffScore(
    double signedDistance,
    double robustGainAtEqualStandard,
    double standardGainAtEqualRobust,
    String reference,
    int curveDegree,
    List<String> extrapolated,
    List<String> warnings) {

  public static final String SIGNED_DISTANCE = "signedDistance";
  public static final String ROBUST_GAIN_AT_EQUAL_STANDARD = "robustGainAtEqualStandard";
  public static final String STANDARD_GAIN_AT_EQUAL_ROBUST = "standardGainAtEqualRobust";

  public TradeoffScore {
    extrapolated = List.copyOf(extrapolated);
    warnings = List.copyOf(warnings);
  }
}
