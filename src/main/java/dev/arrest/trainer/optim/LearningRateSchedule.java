package dev.arrest.trainer.optim;

import dev.arrest.api.v1alpha1.OptimizerSpec;
import java.util.List;

/**
 * The learning rate at any point of a stage, stepped per batch so short stages still anneal
 * smoothly.
 */
public final class LearningRateSchedule {
  private final OptimizerSpec spec;
  private final long totalSteps;

  public LearningRateSchedule(OptimizerSpec spec, int epochs, int batchesPerEpoch) {
    this.spec = spec;
    this.totalSteps = (long) epochs * batchesPerEpoch;
  }

  /** Learning rate for the given global step (0-based) of the stage. */
  public double at(long step) {
    double progress = totalSteps == 0 ? 0 : Math.min(1.0, (double) step / totalSteps);
    return switch (spec.schedule) {
      case CONSTANT -> spec.learningRate;
      case COSINE -> spec.learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
      case PIECEWISE ->
          spec.learningRate
              * Math.pow(spec.gamma, milestonesPassed(spec.milestonesOrDefault(), progress));
    };
  }

  private static int milestonesPassed(List<Double> milestones, double progress) {
    int passed = 0;
    for (double milestone : milestones) {
      if (progress >= milestone) {
        passed++;
      }
    }
    return passed;
  }
}
