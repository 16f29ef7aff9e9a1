package dev.arrest.tradeoff;

import java.util.Objects;

/**
 * One training run's result in the accuracy-robustness plane.
 *
 * @param label how the run is named on plots and in warnings, e.g. "phi=37.5"
 * @param standardAccuracy clean test accuracy in percent
 * @param robustAccuracy robust test accuracy in percent
 */
public record RunPoint(String label, double standardAccuracy, double robustAccuracy) {

  public RunPoint {
    Objects.requireNonNull(label, "label");
    Accuracies.requirePercent("standard accuracy of run '" + label + "'", standardAccuracy);
    Accuracies.requirePercent("robust accuracy of run '" + label + "'", robustAccuracy);
  }
}
