package dev.arrest.trainer.eval;

import dev.arrest.results.AttackResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Symptoms that make a robustness evaluation unreliable, reported as warnings in the results (after
 * the reference code's checks.py): a black-box attack breaking examples that white-box attacks left
 * robust, zero input gradients, outputs that change between identical forward passes, and outputs
 * that look like probabilities rather than logits.
 */
final class GradientMaskingCheck {
  /** The reference's check_square_sr tolerance: 0.2 % of the evaluated examples. */
  static final double BLACK_BOX_TOLERANCE = 0.002;

  private GradientMaskingCheck() {}

  /**
   * @param plans the attacks in the order run
   * @param results their results, same order
   */
  static List<String> warnings(
      List<PlannedAttack> plans,
      List<AttackResult> results,
      int samples,
      int zeroGradientExamples,
      boolean randomizedOutputs,
      boolean probabilityOutputs,
      boolean expectsRandomness) {
    List<String> warnings = new ArrayList<>();
    List<String> whiteBoxBefore = new ArrayList<>();
    for (int a = 0; a < plans.size(); a++) {
      PlannedAttack plan = plans.get(a);
      AttackResult result = results.get(a);
      if (plan.whiteBox()) {
        whiteBoxBefore.add(plan.name());
      } else if (!whiteBoxBefore.isEmpty()
          && result.broken() != null
          && result.broken() > BLACK_BOX_TOLERANCE * samples) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "gradient masking suspected: black-box %s broke %d of %d examples (%.2f %%) that"
                    + " the white-box attacks before it (%s) left robust, so gradient-based robust"
                    + " accuracy overestimates robustness; consider more Square queries and"
                    + " restarts or an adaptive attack",
                plan.name(),
                result.broken(),
                samples,
                100.0 * result.broken() / samples,
                String.join(", ", whiteBoxBefore)));
      }
    }
    if (zeroGradientExamples > 0) {
      warnings.add(
          zeroGradientExamples
              + " examples had an input gradient of exactly zero at an attack's starting point;"
              + " gradient-based attacks cannot make progress there (gradient masking or saturated"
              + " outputs)");
    }
    if (randomizedOutputs && !expectsRandomness) {
      warnings.add(
          "the model's outputs differ between identical forward passes: it looks like a randomized"
              + " defense; evaluate it with autoattack version rand (EOT)");
    }
    if (probabilityOutputs) {
      warnings.add(
          "the model's outputs look like probabilities (in [0, 1], summing to 1); attacks expect"
              + " logits, and cross-entropy on probabilities weakens them");
    }
    return warnings;
  }
}
