package dev.arrest.tradeoff;

/** Validation shared by everything that takes accuracies, which this package handles in percent. */
final class Accuracies {

  private Accuracies() {}

  /**
   * Rejects NaN, infinities and values outside [0, 100]; a fraction like 0.85 passes and is the
   * caller's error.
   */
  static double requirePercent(String what, double value) {
    if (!Double.isFinite(value) || value < 0 || value > 100) {
      throw new IllegalArgumentException(what + " must be a percentage in [0, 100], got " + value);
    }
    return value;
  }
}
