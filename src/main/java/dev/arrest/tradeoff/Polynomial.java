package dev.arrest.tradeoff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable real polynomial {@code c0 + c1 t + c2 t^2 + ...}.
 *
 * <p>Tradeoff curves keep their polynomial in a scaled coordinate {@code t} in [-1, 1] rather than
 * in percent: powers of values near 85 lose most of their digits to cancellation, powers of values
 * in [-1, 1] do not.
 */
final class Polynomial {

  /**
   * Grid cells per unit of degree when bracketing roots; fine enough for the low degrees used here.
   */
  private static final int GRID_CELLS_PER_DEGREE = 128;

  private final double[] coefficients;

  Polynomial(double... coefficients) {
    if (coefficients.length == 0) {
      throw new IllegalArgumentException("a polynomial needs at least one coefficient");
    }
    this.coefficients = coefficients.clone();
  }

  int degree() {
    return coefficients.length - 1;
  }

  double[] coefficients() {
    return coefficients.clone();
  }

  double valueAt(double t) {
    double value = 0;
    for (int k = coefficients.length - 1; k >= 0; k--) {
      value = value * t + coefficients[k];
    }
    return value;
  }

  Polynomial derivative() {
    if (coefficients.length == 1) {
      return new Polynomial(0);
    }
    double[] result = new double[coefficients.length - 1];
    for (int k = 1; k < coefficients.length; k++) {
      result[k - 1] = k * coefficients[k];
    }
    return new Polynomial(result);
  }

  /** The antiderivative that is zero at t = 0. */
  Polynomial antiderivative() {
    double[] result = new double[coefficients.length + 1];
    for (int k = 0; k < coefficients.length; k++) {
      result[k + 1] = coefficients[k] / (k + 1);
    }
    return new Polynomial(result);
  }

  double integral(double from, double to) {
    Polynomial antiderivative = antiderivative();
    return antiderivative.valueAt(to) - antiderivative.valueAt(from);
  }

  Polynomial plus(Polynomial other) {
    double[] result = new double[Math.max(coefficients.length, other.coefficients.length)];
    for (int k = 0; k < result.length; k++) {
      result[k] = coefficientOrZero(k) + other.coefficientOrZero(k);
    }
    return new Polynomial(result);
  }

  Polynomial times(Polynomial other) {
    double[] result = new double[coefficients.length + other.coefficients.length - 1];
    for (int i = 0; i < coefficients.length; i++) {
      for (int j = 0; j < other.coefficients.length; j++) {
        result[i + j] += coefficients[i] * other.coefficients[j];
      }
    }
    return new Polynomial(result);
  }

  /**
   * The roots in [from, to] at which the polynomial changes sign (or is exactly zero at a grid
   * point).
   *
   * <p>Roots are bracketed on a grid and refined by bisection. Roots of even multiplicity without a
   * sign change are not reported; the callers look for extrema, where the derivative does change
   * sign.
   */
  double[] signChangesIn(double from, double to) {
    List<Double> roots = new ArrayList<>();
    int cells = GRID_CELLS_PER_DEGREE * Math.max(1, degree());
    double left = from;
    double leftValue = valueAt(left);
    if (leftValue == 0) {
      roots.add(left);
    }
    for (int i = 1; i <= cells; i++) {
      double right = i == cells ? to : from + (to - from) * i / cells;
      double rightValue = valueAt(right);
      if (rightValue == 0) {
        roots.add(right);
      } else if (leftValue != 0 && (leftValue < 0) != (rightValue < 0)) {
        roots.add(bisect(left, leftValue, right));
      }
      left = right;
      leftValue = rightValue;
    }
    return roots.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The largest value on [from, to] and where it is reached, as {argmax, max}. */
  double[] maximumOn(double from, double to) {
    double bestT = from;
    double best = valueAt(from);
    for (double t : concat(derivative().signChangesIn(from, to), to)) {
      double value = valueAt(t);
      if (value > best) {
        best = value;
        bestT = t;
      }
    }
    return new double[] {bestT, best};
  }

  @Override
  public String toString() {
    return "Polynomial" + Arrays.toString(coefficients);
  }

  private double coefficientOrZero(int k) {
    return k < coefficients.length ? coefficients[k] : 0;
  }

  private double bisect(double left, double leftValue, double right) {
    boolean leftNegative = leftValue < 0;
    while (true) {
      double middle = 0.5 * (left + right);
      if (middle <= left || middle >= right) {
        return middle;
      }
      double middleValue = valueAt(middle);
      if (middleValue == 0) {
        return middle;
      }
      if ((middleValue < 0) == leftNegative) {
        left = middle;
      } else {
        right = middle;
      }
    }
  }

  private static double[] concat(double[] values, double extra) {
    double[] result = Arrays.copyOf(values, values.length + 1);
    result[values.length] = extra;
    return result;
  }
}
