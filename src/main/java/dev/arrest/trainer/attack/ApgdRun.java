package dev.arrest.trainer.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;

/**
 * One APGD run (Croce and Hein 2020, Algorithm 1) from given starting points: a step of size eta
 * along the signed (L-inf) or normalized (L2) gradient, projected, then mixed with the previous
 * step with momentum 0.75 (1 at the first iteration) and projected again; {@link
 * ApgdStepSizeControl} halves eta at checkpoints and restarts from the best point. The iterate,
 * best point and step size are per example.
 */
final class ApgdRun {
  static final double MOMENTUM = 0.75;

  /** The initial step size is 2 epsilon. */
  static final double INITIAL_STEP_FACTOR = 2.0;

  private final Classifier model;
  private final ThreatModel threat;
  private final int iterations;
  private final double rho;
  private final int eotIterations;

  /**
   * What a run found, per example.
   *
   * @param fooled misclassified at some iterate
   * @param adversarial the last misclassified iterate where fooled (else the starting point), [B,
   *     C, H, W]
   * @param bestLoss the highest loss reached
   * @param bestPoints the iterate with the highest loss, [B, C, H, W]
   */
  record Result(boolean[] fooled, float[] adversarial, float[] bestLoss, float[] bestPoints) {}

  ApgdRun(Classifier model, ThreatModel threat, int iterations, double rho, int eotIterations) {
    if (iterations < 1 || eotIterations < 1 || !(rho > 0 && rho < 1)) {
      throw new IllegalArgumentException(
          "APGD needs iterations >= 1, eotIterations >= 1 and 0 < rho < 1, found "
              + iterations
              + ", "
              + eotIterations
              + ", "
              + rho);
    }
    this.model = model;
    this.threat = threat;
    this.iterations = iterations;
    this.rho = rho;
    this.eotIterations = eotIterations;
  }

  /**
   * @param clean [B, C, H, W] in [0, 1]
   * @param labels int64 [B]
   * @param start starting points in the threat model, [B, C, H, W]
   * @param loss the loss to maximize, built on the labels (and targets)
   * @param zeroGradient receives the batch positions whose gradient at the start is exactly zero
   */
  Result run(
      NDArray clean,
      NDArray labels,
      NDArray start,
      PerExampleLoss loss,
      java.util.function.IntConsumer zeroGradient) {
    return run(clean, labels, start, loss, zeroGradient, (iterations, fooled) -> {});
  }

  /** As above, reporting the iterations done and the examples fooled after every iteration. */
  Result run(
      NDArray clean,
      NDArray labels,
      NDArray start,
      PerExampleLoss loss,
      java.util.function.IntConsumer zeroGradient,
      RestartingAttack.RunProgress progress) {
    int batch = (int) clean.getShape().get(0);
    try (NDManager scope = clean.getManager().newSubManager();
        Generations generations = new Generations(scope, clean, labels)) {
      NDArray xAdv = start.duplicate();
      xAdv.attach(generations.current());
      Evaluated at = evaluate(xAdv, labels, loss);
      float[] startGradient =
          at.gradient.abs().reshape(batch, -1).sum(new int[] {1}).toFloatArray();
      for (int e = 0; e < batch; e++) {
        if (startGradient[e] == 0) {
          zeroGradient.accept(e);
        }
      }
      boolean[] fooled = not(at.correct);
      float[] bestLoss = at.loss.clone();
      ApgdStepSizeControl control =
          new ApgdStepSizeControl(iterations, rho, INITIAL_STEP_FACTOR * threat.epsilon(), at.loss);
      NDArray gradient = at.gradient;
      NDArray bestGradient = gradient;
      NDArray best = xAdv;
      NDArray lastFooled = xAdv;
      NDArray previous = xAdv;
      NDArray stepSize = column(generations.current(), control.stepSizes(), clean.getShape());
      for (int i = 0; i < iterations; i++) {
        double momentum = i > 0 ? MOMENTUM : 1.0;
        NDArray direction =
            threat.norm() == Norm.LINF ? gradient.sign() : threat.normalize(gradient);
        NDArray stepped = threat.project(xAdv.add(direction.mul(stepSize)), clean);
        NDArray next =
            threat.project(
                xAdv.add(stepped.sub(xAdv).mul(momentum)).add(xAdv.sub(previous).mul(1 - momentum)),
                clean);
        at = evaluate(next, labels, loss);

        NDManager generation = generations.current();
        lastFooled =
            NDArrays.where(mask(generation, not(at.correct), clean.getShape()), next, lastFooled);
        boolean[] improved = new boolean[batch];
        int fooledCount = 0;
        for (int e = 0; e < batch; e++) {
          fooled[e] |= !at.correct[e];
          fooledCount += fooled[e] ? 1 : 0;
          improved[e] = at.loss[e] > bestLoss[e];
          if (improved[e]) {
            bestLoss[e] = at.loss[e];
          }
        }
        NDArray improvedMask = mask(generation, improved, clean.getShape());
        best = NDArrays.where(improvedMask, next, best);
        bestGradient = NDArrays.where(improvedMask, at.gradient, bestGradient);
        previous = xAdv;
        xAdv = next;
        gradient = at.gradient;
        boolean[] halved = control.record(i, at.loss, bestLoss);
        if (halved != null) {
          NDArray halvedMask = mask(generation, halved, clean.getShape());
          xAdv = NDArrays.where(halvedMask, best, xAdv);
          gradient = NDArrays.where(halvedMask, bestGradient, gradient);
          stepSize = column(generation, control.stepSizes(), clean.getShape());
        }
        generations.advance(xAdv, previous, gradient, best, bestGradient, lastFooled, stepSize);
        progress.iterationsDone(i + 1, fooledCount);
      }
      return new Result(fooled, lastFooled.toFloatArray(), bestLoss, best.toFloatArray());
    }
  }

  private record Evaluated(float[] loss, boolean[] correct, NDArray gradient) {}

  /**
   * Loss, correctness and input gradient at {@code point}; with EOT the gradient is averaged over
   * forward passes.
   */
  private Evaluated evaluate(NDArray point, NDArray labels, PerExampleLoss loss) {
    NDArray gradientSum = null;
    NDArray values = null;
    NDArray logits = null;
    for (int e = 0; e < eotIterations; e++) {
      NDArray leaf = point.duplicate();
      leaf.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        logits = model.forward(leaf, false).logits();
        values = loss.of(logits);
        collector.backward(values.sum());
      }
      NDArray gradient = leaf.getGradient();
      gradientSum = gradientSum == null ? gradient.duplicate() : gradientSum.add(gradient);
    }
    boolean[] correct = logits.argMax(1).eq(labels).toBooleanArray();
    NDArray gradient = eotIterations == 1 ? gradientSum : gradientSum.div(eotIterations);
    return new Evaluated(values.toFloatArray(), correct, gradient);
  }

  /**
   * A boolean mask of {@code shape} that is constant per example (DJL's where does not broadcast).
   */
  static NDArray mask(NDManager manager, boolean[] values, Shape shape) {
    return manager.create(values).reshape(perExample(shape)).broadcast(shape);
  }

  private static NDArray column(NDManager manager, double[] values, Shape shape) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return manager.create(floats).reshape(perExample(shape));
  }

  private static Shape perExample(Shape shape) {
    long[] dims = new long[shape.dimension()];
    java.util.Arrays.fill(dims, 1);
    dims[0] = shape.get(0);
    return new Shape(dims);
  }

  private static boolean[] not(boolean[] values) {
    boolean[] result = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = !values[i];
    }
    return result;
  }
}
