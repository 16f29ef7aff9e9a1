package dev.arrest.trainer.eval;

import ai.djl.ndarray.NDArray;

/**
 * Verifies that adversarial examples respect the threat model before they count: inside the L-infinity ball around
 * the clean images and inside [0, 1]. A violation is a bug in an attack, so it fails the evaluation loudly.
 */
final class ThreatModelCheck {
  /** float32 rounding of x +- eps can exceed eps by about one ulp of x. */
  private static final double TOLERANCE = 1e-5;

  private ThreatModelCheck() {}

  static void requireLinf(String attack, NDArray clean, NDArray adversarial, double epsilon) {
    double distance = adversarial.sub(clean).abs().max().getFloat();
    double min = adversarial.min().getFloat();
    double max = adversarial.max().getFloat();
    if (distance > epsilon + TOLERANCE || min < 0 || max > 1) {
      throw new IllegalStateException(String.format(java.util.Locale.ROOT,
          "%s produced examples outside the threat model (L-inf distance %.6f, epsilon %.6f, pixel range [%.4f, %.4f]);"
              + " refusing to report its accuracy", attack, distance, epsilon, min, max));
    }
  }
}
