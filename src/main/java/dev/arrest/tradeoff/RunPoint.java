package dev.arrest.tradeoff;

import java.util.Objects;

/**
 * One training run's result in the accuracy-robustness plane.
 *
 * @param label how the run is named on plots and in warnings, e.g. "phi=37.5"
 * @param standardAccuracy clean test accuracy in percent
 * @param robustAccuracy robust test accuracy in percent
 * @param intervals the accuracies' 95 % intervals, drawn as error bars; null when unknown
 */
public record RunPoint(
    String label, double standardAccuracy, double robustAccuracy, ConfidenceIntervals intervals) {

  public RunPoint {
    Objects.requireNonNull(label, "label");
    Accuracies.requirePercent("standard accuracy of run '" + label + "'", standardAccuracy);
    Accuracies.requirePercent("robust accuracy of run '" + label + "'", robustAccuracy);
  }

  /** A run whose uncertainty is unknown. */
  public RunPoint(String label, double standardAccuracy, double robustAccuracy) {
    this(label, standardAccuracy, robustAccuracy, null);
  }

  /**
   * A run evaluated on {@code samples} test images, with the Wilson intervals of both accuracies.
   */
  public static RunPoint measured(
      String label, double standardAccuracy, double robustAccuracy, int samples) {
    return new RunPoint(
        label,
        standardAccuracy,
        robustAccuracy,
        ConfidenceIntervals.wilson(standardAccuracy, robustAccuracy, samples));
  }
}
