package dev.arrest.trainer.attack;

import dev.arrest.api.v1alpha1.Norm;
import java.util.Arrays;

/**
 * FAB's projection step: the smallest perturbation d (in L-inf or L2) that moves a point t onto the
 * hyperplane {@code w . x = b} while keeping {@code t + d} inside the [0, 1] box (Croce and Hein,
 * ICML 2020, Sec. 3.1). When the box does not allow reaching the hyperplane, d is the box corner
 * that gets closest to it, as in the reference code.
 *
 * <p>Both norms reduce to one monotone piecewise-linear equation. Let {@code r = b - w . t} and,
 * per coordinate, let the room be how far the coordinate can move in the direction that helps
 * ({@code sign(r w_i)}) before hitting the box. L-inf: d_i = sign(r w_i) min(delta, room_i) with
 * the smallest delta such that sum |w_i| min(delta, room_i) = |r|. L2 (KKT): d_i = sign(r w_i)
 * min(lambda |w_i|, room_i) with sum |w_i| min(lambda |w_i|, room_i) = |r|. Sorting the coordinates
 * by the point at which they saturate solves either exactly in O(d log d).
 */
final class BoxedHyperplaneProjection {
  private BoxedHyperplaneProjection() {}

  /**
   * @param point t, one flattened image in [0, 1]
   * @param w the hyperplane's normal
   * @param b the hyperplane's offset
   * @return d
   */
  static double[] project(Norm norm, float[] point, double[] w, double b) {
    int n = point.length;
    double residual = b;
    for (int i = 0; i < n; i++) {
      residual -= w[i] * point[i];
    }
    double[] d = new double[n];
    if (residual == 0) {
      return d;
    }
    double target = Math.abs(residual);
    // Per coordinate: room to move, slope of its contribution to |w . d| in the parameter p (delta
    // for L-inf, lambda for L2), and the breakpoint p at which it reaches the box (slope *
    // breakpoint = |w_i| * room).
    double[] room = new double[n];
    double[] slope = new double[n];
    double[] breakpoint = new double[n];
    double reachable = 0;
    for (int i = 0; i < n; i++) {
      if (w[i] == 0) {
        continue;
      }
      room[i] = (w[i] > 0) == (residual > 0) ? 1 - point[i] : point[i];
      double weight = Math.abs(w[i]);
      slope[i] = norm == Norm.LINF ? weight : weight * weight;
      breakpoint[i] = norm == Norm.LINF ? room[i] : room[i] / weight;
      reachable += weight * room[i];
    }
    double parameter =
        reachable <= target ? Double.POSITIVE_INFINITY : solve(w, room, slope, breakpoint, target);
    for (int i = 0; i < n; i++) {
      if (w[i] != 0) {
        double free = norm == Norm.LINF ? parameter : parameter * Math.abs(w[i]);
        d[i] = ((w[i] > 0) == (residual > 0) ? 1 : -1) * Math.min(free, room[i]);
      }
    }
    return d;
  }

  /**
   * The p with progress(p) = target, for 0 < target < progress(infinity): bisection over the sorted
   * breakpoints finds the linear piece, which is then solved exactly.
   */
  private static double solve(
      double[] w, double[] room, double[] slope, double[] breakpoint, double target) {
    int active = 0;
    double[] sorted = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      if (w[i] != 0) {
        sorted[active++] = breakpoint[i];
      }
    }
    sorted = Arrays.copyOf(sorted, active);
    Arrays.sort(sorted);
    // Largest breakpoint whose progress does not exceed the target (-1: none, the piece starts at
    // 0).
    int low = -1;
    int high = active - 1;
    while (low < high) {
      int middle = (low + high + 1) / 2;
      if (progress(w, room, slope, breakpoint, sorted[middle]) <= target) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    double base = low < 0 ? 0 : sorted[low];
    double freeSlope = 0;
    for (int i = 0; i < w.length; i++) {
      if (w[i] != 0 && breakpoint[i] > base) {
        freeSlope += slope[i];
      }
    }
    return base + (target - progress(w, room, slope, breakpoint, base)) / freeSlope;
  }

  /** |w . d(p)|: each coordinate contributes slope * p until it saturates at |w_i| * room. */
  private static double progress(
      double[] w, double[] room, double[] slope, double[] breakpoint, double p) {
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      if (w[i] != 0) {
        sum += p >= breakpoint[i] ? Math.abs(w[i]) * room[i] : slope[i] * p;
      }
    }
    return sum;
  }
}
