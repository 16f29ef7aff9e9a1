package dev.arrest.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import java.util.function.Supplier;

/**
 * The standard {@link TrainingObjective.Backprop}: one gradient collector around the loss, then
 * backward.
 */
public final class Backpropagation {
  private Backpropagation() {}

  public static LossTerms run(Supplier<LossTerms> loss) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      LossTerms terms = loss.get();
      collector.backward(terms.total());
      return terms;
    }
  }
}
