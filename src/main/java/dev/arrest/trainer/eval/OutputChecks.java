package dev.arrest.trainer.eval;

import ai.djl.ndarray.NDArray;
import dev.arrest.trainer.engine.Classifier;

/**
 * Checks on a model's raw outputs, after the reference code's check_randomized and
 * check_range_output.
 */
final class OutputChecks {
  /**
   * Relative change of the logits between identical passes above which a model counts as
   * randomized.
   */
  static final double RANDOMIZED_TOLERANCE = 1e-4;

  private static final double PROBABILITY_TOLERANCE = 1e-5;

  private OutputChecks() {}

  /** Whether two more forward passes on the same images give different (L2-normalized) logits. */
  static boolean varies(Classifier model, NDArray images, NDArray logits) {
    NDArray reference = normalized(logits);
    for (int pass = 0; pass < 2; pass++) {
      NDArray again = normalized(model.forward(images, false).logits());
      if (again.sub(reference).square().sum(new int[] {1}).sqrt().max().getFloat()
          > RANDOMIZED_TOLERANCE) {
        return true;
      }
    }
    return false;
  }

  /** Whether every row of the outputs lies in [0, 1] and sums to 1. */
  static boolean looksLikeProbabilities(NDArray logits) {
    float min = logits.min().getFloat();
    float max = logits.max().getFloat();
    float worstSum = logits.sum(new int[] {1}).sub(1).abs().max().getFloat();
    return min > -PROBABILITY_TOLERANCE
        && max < 1 + PROBABILITY_TOLERANCE
        && worstSum < PROBABILITY_TOLERANCE;
  }

  private static NDArray normalized(NDArray logits) {
    return logits.div(logits.square().sum(new int[] {1}, true).sqrt().add(1e-10));
  }
}
