package dev.arrest.tradeoff;

import java.util.Objects;

/**
 * 95 % confidence intervals of a point's two accuracies, in percent, e.g. the Wilson score
 * intervals of accuracies measured on n test images.
 */
public record ConfidenceIntervals(Interval standard, Interval robust) {

  /** z for a two-sided 95 % interval. */
  private static final double Z = 1.959964;

  public ConfidenceIntervals {
    Objects.requireNonNull(standard, "standard");
    Objects.requireNonNull(robust, "robust");
  }

  /** The Wilson intervals of two accuracies in percent, both measured on the same n examples. */
  public static ConfidenceIntervals wilson(double standardPercent, double robustPercent, int n) {
    return new ConfidenceIntervals(wilson(standardPercent, n), wilson(robustPercent, n));
  }

  /**
   * The 95 % Wilson score interval of an accuracy in percent measured on n examples. Unlike the
   * normal approximation it stays inside [0, 100] and is not empty at 0 % or 100 %.
   */
  public static Interval wilson(double accuracyPercent, int n) {
    Accuracies.requirePercent("accuracy", accuracyPercent);
    if (n < 1) {
      throw new IllegalArgumentException("an accuracy needs at least one example, got n = " + n);
    }
    double p = accuracyPercent / 100;
    double z2 = Z * Z;
    double center = (p + z2 / (2.0 * n)) / (1 + z2 / n);
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    return new Interval(100 * Math.max(0, center - half), 100 * Math.min(1, center + half));
  }
}
