package dev.arrest.trainer.eval;

import dev.arrest.trainer.attack.ThreatModel;
import java.util.Locale;

/**
 * Verifies that adversarial examples respect the threat model before they count: inside the
 * epsilon-ball of the norm around the clean image and inside [0, 1], up to float32 rounding. A
 * violation is a bug in an attack, so it fails the evaluation loudly rather than being silently
 * dropped.
 */
final class ThreatModelCheck {
  private ThreatModelCheck() {}

  /**
   * @param clean the batch's clean images, flattened
   * @param adversarial the attack's candidates, same layout
   * @param exampleIds for the message
   */
  static void requireInside(
      String attack, ThreatModel threat, float[] clean, float[] adversarial, int[] exampleIds) {
    if (clean.length != adversarial.length) {
      throw new IllegalStateException(
          attack
              + " returned "
              + adversarial.length
              + " pixel values for a batch of "
              + clean.length);
    }
    int pixels = clean.length / exampleIds.length;
    for (int e = 0; e < exampleIds.length; e++) {
      float[] x = java.util.Arrays.copyOfRange(clean, e * pixels, (e + 1) * pixels);
      float[] candidate = java.util.Arrays.copyOfRange(adversarial, e * pixels, (e + 1) * pixels);
      if (!threat.contains(candidate, x)) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : candidate) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "%s produced an example outside the threat model (test example %d: %s distance"
                    + " %.6f, epsilon %.6f, pixel range [%.4f, %.4f]); refusing to report its"
                    + " accuracy",
                attack,
                exampleIds[e],
                threat.norm(),
                threat.norm(candidate, x),
                threat.epsilon(),
                min,
                max));
      }
    }
  }
}
