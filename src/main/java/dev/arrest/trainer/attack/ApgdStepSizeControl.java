package dev.arrest.trainer.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * APGD's per-example step-size schedule (Croce and Hein 2020, Sec. 3.2, with the reference code's
 * constants).
 *
 * <p>Checkpoints come after the first {@code max(int(0.22 N), 1)} iterations, then at intervals
 * shrinking by {@code max(int(0.03 N), 1)} down to {@code max(int(0.06 N), 1)}. At a checkpoint an
 * example's step size is halved, and its iterate restarts from its best point, when
 *
 * <ol>
 *   <li>its loss increased in at most {@code rho} times the interval's steps (counting from the
 *       point the interval started at), or
 *   <li>its step size was not halved at the previous checkpoint and its best loss has not improved
 *       since.
 * </ol>
 *
 * <p>Condition 2 is not checked at the first checkpoint, as in the reference code. The first
 * interval's first step is compared with the loss at the starting point, as in the paper; the
 * reference code compares it with 0 instead.
 */
final class ApgdStepSizeControl {
  private final double rho;
  private final int minInterval;
  private final int intervalDecrease;

  /** losses[j][e]: example e's loss at iterate j, where iterate 0 is the starting point. */
  private final float[][] losses;

  private final double[] stepSizes;
  private final boolean[] halvedAtLastCheckpoint;
  private final float[] bestLossAtLastCheckpoint;
  private int interval;
  private int stepsSinceCheckpoint;

  /**
   * @param iterations N, the run's number of iterations
   * @param initialStepSize the step size every example starts with (APGD: 2 epsilon)
   * @param startLoss each example's loss at the starting point
   */
  ApgdStepSizeControl(int iterations, double rho, double initialStepSize, float[] startLoss) {
    this.rho = rho;
    this.interval = firstInterval(iterations);
    this.minInterval = Math.max((int) (0.06 * iterations), 1);
    this.intervalDecrease = Math.max((int) (0.03 * iterations), 1);
    this.losses = new float[iterations + 1][];
    this.losses[0] = startLoss.clone();
    this.stepSizes = new double[startLoss.length];
    Arrays.fill(stepSizes, initialStepSize);
    this.halvedAtLastCheckpoint = new boolean[startLoss.length];
    Arrays.fill(halvedAtLastCheckpoint, true);
    this.bestLossAtLastCheckpoint = startLoss.clone();
  }

  /**
   * Records the loss at the iterate that iteration {@code iteration} (0-based) produced.
   *
   * @param bestLoss each example's best loss so far, this iterate included
   * @return at a checkpoint, the examples whose step size was just halved (they must restart from
   *     their best point); otherwise null
   */
  boolean[] record(int iteration, float[] loss, float[] bestLoss) {
    losses[iteration + 1] = loss.clone();
    if (++stepsSinceCheckpoint < interval) {
      return null;
    }
    boolean[] halve = new boolean[loss.length];
    for (int e = 0; e < loss.length; e++) {
      int increases = 0;
      for (int j = iteration + 1 - interval; j <= iteration; j++) {
        if (losses[j + 1][e] > losses[j][e]) {
          increases++;
        }
      }
      boolean oscillating = increases <= rho * interval;
      boolean stalled = !halvedAtLastCheckpoint[e] && bestLossAtLastCheckpoint[e] >= bestLoss[e];
      halve[e] = oscillating || stalled;
      halvedAtLastCheckpoint[e] = halve[e];
      bestLossAtLastCheckpoint[e] = bestLoss[e];
      if (halve[e]) {
        stepSizes[e] /= 2;
      }
    }
    interval = Math.max(interval - intervalDecrease, minInterval);
    stepsSinceCheckpoint = 0;
    return halve;
  }

  double[] stepSizes() {
    return stepSizes.clone();
  }

  /**
   * The 0-based iterations after which checkpoints fall, e.g. 21, 40, 56, 69, 79, 86, 92, 98 for N
   * = 100.
   */
  static List<Integer> checkpoints(int iterations) {
    List<Integer> result = new ArrayList<>();
    int interval = firstInterval(iterations);
    int min = Math.max((int) (0.06 * iterations), 1);
    int decrease = Math.max((int) (0.03 * iterations), 1);
    for (int at = interval - 1; at < iterations; at += interval) {
      result.add(at);
      interval = Math.max(interval - decrease, min);
    }
    return result;
  }

  private static int firstInterval(int iterations) {
    return Math.max((int) (0.22 * iterations), 1);
  }
}
