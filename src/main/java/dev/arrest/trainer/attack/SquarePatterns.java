package dev.arrest.trainer.attack;

import java.util.SplittableRandom;

/**
 * The L2 Square Attack's window patterns: "eta", two vertically stacked blocks of concentric
 * rectangles with weights 1/(r+1)^2 and opposite signs, unit L2 norm, transposed with probability
 * 1/2.
 */
final class SquarePatterns {
  private SquarePatterns() {}

  /** A side x side pattern, row-major. */
  static double[] eta(int side, SplittableRandom random) {
    double[] pattern = new double[side * side];
    int upper = side / 2;
    double[] top = rectangles(upper, side);
    double[] bottom = rectangles(side - upper, side);
    for (int k = 0; k < top.length; k++) {
      pattern[k] = top[k];
    }
    for (int k = 0; k < bottom.length; k++) {
      pattern[upper * side + k] = -bottom[k];
    }
    normalize(pattern);
    if (random.nextDouble() > 0.5) {
      double[] transposed = new double[pattern.length];
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          transposed[x * side + y] = pattern[y * side + x];
        }
      }
      return transposed;
    }
    return pattern;
  }

  /**
   * Concentric rectangles centred at (rows/2, columns/2) on a rows x columns grid, unit L2 norm.
   */
  static double[] rectangles(int rows, int columns) {
    double[] block = new double[rows * columns];
    int centreRow = rows / 2 + 1;
    int centreColumn = columns / 2 + 1;
    int top = centreRow - 1;
    int left = centreColumn - 1;
    for (int ring = 0; ring < Math.max(centreRow, centreColumn); ring++) {
      double weight = 1.0 / ((ring + 1) * (ring + 1));
      for (int y = Math.max(top, 0); y < Math.min(top + 2 * ring + 1, rows); y++) {
        for (int x = Math.max(left, 0); x < Math.min(left + 2 * ring + 1, columns); x++) {
          block[y * columns + x] += weight;
        }
      }
      top--;
      left--;
    }
    normalize(block);
    return block;
  }

  private static void normalize(double[] values) {
    double length = 0;
    for (double v : values) {
      length += v * v;
    }
    length = Math.sqrt(length);
    if (length > 0) {
      for (int i = 0; i < values.length; i++) {
        values[i] /= length;
      }
    }
  }
}
