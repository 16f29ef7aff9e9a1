package dev.arrest.tradeoff;

/**
 * The point of a curve segment nearest to a given point of the plane, for the signed-distance
 * score.
 *
 * <p>The squared distance g(t) = (x(t) - s)^2 + (p(t) - r)^2 is itself a polynomial in t, so its
 * minimum over [-1, 1] lies at an end or where g' changes sign from negative to positive.
 */
final class NearestPointOnCurve {

  /**
   * Cosines below this count as perpendicular: rounding must not flag a point whose foot is an end.
   */
  private static final double PERPENDICULAR_TOLERANCE = 1e-9;

  /**
   * @param t scaled coordinate of the nearest point
   * @param distance Euclidean distance in percentage points
   * @param beyondEnd true when the nearest point is an end of the segment and the perpendicular
   *     from the run would meet the curve only beyond that end
   */
  record Result(double t, double distance, boolean beyondEnd) {}

  private NearestPointOnCurve() {}

  /**
   * @param extraCandidates scaled coordinates known to be good guesses (the run's own standard
   *     accuracy, the curve's inverse at its robust accuracy); they make points on the curve score
   *     exactly 0 instead of "0 up to root-finding precision"
   */
  static Result find(
      Polynomial curve,
      double center,
      double halfWidth,
      double s,
      double r,
      double... extraCandidates) {
    Polynomial horizontal = new Polynomial(center - s, halfWidth);
    Polynomial vertical = curve.plus(new Polynomial(-r));
    Polynomial squaredDistance = horizontal.times(horizontal).plus(vertical.times(vertical));

    double bestT = -1;
    double best = distance(curve, center, halfWidth, s, r, -1);
    double[] stationary = squaredDistance.derivative().signChangesIn(-1, 1);
    double[] candidates = new double[stationary.length + extraCandidates.length + 1];
    candidates[0] = 1;
    System.arraycopy(stationary, 0, candidates, 1, stationary.length);
    System.arraycopy(extraCandidates, 0, candidates, 1 + stationary.length, extraCandidates.length);
    for (double t : candidates) {
      if (t < -1 || t > 1) {
        continue;
      }
      double candidate = distance(curve, center, halfWidth, s, r, t);
      if (candidate < best) {
        best = candidate;
        bestT = t;
      }
    }
    return new Result(bestT, best, isBeyondEnd(curve, center, halfWidth, s, r, bestT, best));
  }

  private static double distance(
      Polynomial curve, double center, double halfWidth, double s, double r, double t) {
    return Math.hypot(center + halfWidth * t - s, curve.valueAt(t) - r);
  }

  private static boolean isBeyondEnd(
      Polynomial curve,
      double center,
      double halfWidth,
      double s,
      double r,
      double t,
      double distance) {
    if ((t != -1 && t != 1) || distance == 0) {
      return false;
    }
    // Outward tangent at the end, in the plane's units, against the direction from the end to the
    // run.
    double direction = t == 1 ? 1 : -1;
    double tangentX = direction * halfWidth;
    double tangentY = direction * curve.derivative().valueAt(t);
    double towardRunX = s - (center + halfWidth * t);
    double towardRunY = r - curve.valueAt(t);
    double cosine =
        (tangentX * towardRunX + tangentY * towardRunY)
            / (Math.hypot(tangentX, tangentY) * distance);
    return cosine > PERPENDICULAR_TOLERANCE;
  }
}
