package dev.arrest.trainer.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arrest.trainer.engine.Classifier;
import java.util.function.IntConsumer;

/**
 * L-infinity projected gradient descent (Madry et al. 2018): signed-gradient ascent steps on an
 * objective, each projected onto the intersection of the epsilon-ball around the clean images and
 * the [0, 1] pixel box.
 *
 * <p>The model runs in eval mode (running batch-norm statistics, which the attack must not change)
 * with its parameters frozen, so the backward passes compute input gradients only. Only one
 * gradient collector can be open in DJL, so each step opens and closes its own; the caller must not
 * hold one open.
 */
public final class PgdAttack {
  private final double epsilon;
  private final double stepSize;
  private final int steps;
  private final Start start;

  /** Where the ascent starts. */
  public enum Start {
    /** At the clean images. */
    CLEAN,
    /** Uniformly at random in the epsilon-ball (Madry et al.). */
    UNIFORM,
    /**
     * Clean + 0.001 * N(0, 1), as TRADES does, so that its KL objective has a non-zero gradient.
     */
    SMALL_GAUSSIAN
  }

  public PgdAttack(double epsilon, double stepSize, int steps, Start start) {
    if (epsilon <= 0 || stepSize <= 0 || steps < 1) {
      throw new IllegalArgumentException(
          "PGD needs epsilon > 0, stepSize > 0 and steps >= 1, found epsilon="
              + epsilon
              + ", stepSize="
              + stepSize
              + ", steps="
              + steps);
    }
    this.epsilon = epsilon;
    this.stepSize = stepSize;
    this.steps = steps;
    this.start = start;
  }

  /** Adversarial images for {@code clean}, attached to the clean images' manager. */
  public NDArray perturb(Classifier network, NDArray clean, AttackObjective objective) {
    return perturb(network, clean, objective, stepsDone -> {});
  }

  /**
   * As {@link #perturb(Classifier, NDArray, AttackObjective)}, reporting progress.
   *
   * @param stepsDone called after every step with the number of steps done
   */
  public NDArray perturb(
      Classifier network, NDArray clean, AttackObjective objective, IntConsumer stepsDone) {
    NDManager owner = clean.getManager();
    network.setFrozen(true);
    try (NDManager scope = owner.newSubManager()) {
      NDArray lower = clean.sub((float) epsilon).clip(0, 1);
      NDArray upper = clean.add((float) epsilon).clip(0, 1);
      lower.attach(scope);
      upper.attach(scope);
      NDArray adversarial =
          switch (start) {
            case CLEAN -> clean.duplicate();
            case UNIFORM ->
                clean.add(scope.randomUniform((float) -epsilon, (float) epsilon, clean.getShape()));
            case SMALL_GAUSSIAN -> clean.add(scope.randomNormal(clean.getShape()).mul(0.001f));
          };
      adversarial.attach(scope);
      adversarial = project(adversarial, lower, upper, scope);
      for (int step = 0; step < steps; step++) {
        adversarial = ascend(network, adversarial, objective, lower, upper, scope);
        stepsDone.accept(step + 1);
      }
      adversarial.attach(owner);
      return adversarial;
    } finally {
      network.setFrozen(false);
    }
  }

  private NDArray ascend(
      Classifier network,
      NDArray current,
      AttackObjective objective,
      NDArray lower,
      NDArray upper,
      NDManager keep) {
    // Everything a step creates (activations, loss, gradient) is freed with stepScope; only the
    // next iterate stays.
    try (NDManager stepScope = keep.newSubManager()) {
      current.attach(stepScope);
      current.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(objective.loss(network.forward(current, false)));
      }
      // The gradient is this step's own buffer: sign and scale it in place (same values, two
      // image-sized tensors fewer per step).
      NDArray moved = current.add(current.getGradient().signi().muli((float) stepSize));
      return project(moved, lower, upper, keep);
    }
  }

  private static NDArray project(NDArray images, NDArray lower, NDArray upper, NDManager keep) {
    NDArray projected = images.maximum(lower).minimum(upper);
    projected.attach(keep);
    return projected;
  }

  public double epsilon() {
    return epsilon;
  }
}
