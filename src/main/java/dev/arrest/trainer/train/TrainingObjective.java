package dev.arrest.trainer.train;

import ai.djl.ndarray.NDArray;
import dev.arrest.trainer.engine.Classifier;
import java.util.function.Supplier;

/**
 * One way of turning a batch into parameter gradients: clean training, adversarial training with
 * optional RGKD and noisy replay, or TRADES. Attacks and teacher passes run first; the
 * differentiable loss is then computed through {@link Backprop}, which owns the only gradient
 * collector DJL allows at a time.
 */
public interface TrainingObjective {

  /** Computes gradients of the student's parameters for the batch and returns what it measured. */
  StepMetrics computeGradients(
      Classifier student, NDArray images, NDArray labels, Backprop backprop);

  /**
   * Runs a loss computation under a gradient collector, back-propagates its total and returns it.
   */
  @FunctionalInterface
  interface Backprop {
    LossTerms run(Supplier<LossTerms> loss);
  }
}
