package dev.arrest.tradeoff;

import java.util.Objects;

/**
 * One published (or locally measured) result in the accuracy-robustness plane.
 *
 * @param method the method's name as it should appear on plots, e.g. "TRADES"
 * @param standardAccuracy clean test accuracy in percent
 * @param robustAccuracy accuracy under the reference attack (AutoAttack for the shipped sets) in
 *     percent
 * @param source where the numbers come from; never empty, so every curve is traceable
 * @param intervals the accuracies' 95 % intervals, drawn as error bars; null when unknown
 *     (published points)
 */
public record ReferencePoint(
    String method,
    double standardAccuracy,
    double robustAccuracy,
    String source,
    ConfidenceIntervals intervals) {

  /** A point whose uncertainty is unknown, e.g. a published one. */
  public ReferencePoint(
      String method, double standardAccuracy, double robustAccuracy, String source) {
    this(method, standardAccuracy, robustAccuracy, source, null);
  }

  public ReferencePoint {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(source, "source");
    if (method.isBlank()) {
      throw new IllegalArgumentException("a reference point needs a method name");
    }
    if (source.isBlank()) {
      throw new IllegalArgumentException("reference point '" + method + "' needs a source");
    }
    Accuracies.requirePercent("standard accuracy of '" + method + "'", standardAccuracy);
    Accuracies.requirePercent("robust accuracy of '" + method + "'", robustAccuracy);
  }
}
