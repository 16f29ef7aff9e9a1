package dev.arrest.trainer.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;
import java.util.Arrays;

/**
 * One FAB run on a batch (Croce and Hein 2020, Algorithm 1). Each iteration linearizes the decision
 * boundary at the iterate x, projects both x and the clean image x0 onto it (within the box), and
 * moves to the convex combination {@code (x + eta d) (1 - alpha) + (x0 + eta d0) alpha} with {@code
 * alpha = min(|d| / (|d| + |d0|), alpha_max)}. Whenever the iterate is misclassified, it is
 * recorded if it is the closest so far and pulled back towards x0 by the factor beta. State is kept
 * in Java arrays; the model is only queried for logits and input gradients.
 */
final class FabRun {
  private final Classifier model;
  private final ThreatModel threat;
  private final int iterations;
  private final Shape imageShape;

  /**
   * @param adversarial the closest misclassified iterate per example (its clean image where none
   *     was found)
   * @param norms its distance to the clean image (infinity where none was found)
   */
  record Result(float[] adversarial, double[] norms) {}

  FabRun(Classifier model, ThreatModel threat, int iterations, Shape imageShape) {
    this.model = model;
    this.threat = threat;
    this.iterations = iterations;
    this.imageShape = imageShape;
  }

  /**
   * @param clean x0, [B * pixels]
   * @param start the first iterate
   * @param targets null for the untargeted attack
   */
  Result run(NDManager scope, float[] clean, float[] start, long[] labels, long[] targets) {
    return run(scope, clean, start, labels, targets, (iterations, fooled) -> {});
  }

  /** As above, reporting the iterations done and the examples found within epsilon after each. */
  Result run(
      NDManager scope,
      float[] clean,
      float[] start,
      long[] labels,
      long[] targets,
      RestartingAttack.RunProgress progress) {
    int size = labels.length;
    int pixels = clean.length / size;
    float[] x = start.clone();
    float[] best = clean.clone();
    double[] bestNorm = new double[size];
    Arrays.fill(bestNorm, Double.POSITIVE_INFINITY);
    for (int iteration = 0; iteration < iterations; iteration++) {
      Boundary boundary =
          targets != null
              ? targetedBoundary(scope, x, labels, targets)
              : closestBoundary(scope, x, labels);
      for (int e = 0; e < size; e++) {
        step(x, clean, e, pixels, boundary.gradients()[e], boundary.values()[e]);
      }
      boolean[] misclassified = misclassified(scope, x, labels);
      for (int e = 0; e < size; e++) {
        if (!misclassified[e]) {
          continue;
        }
        double distance = distance(x, clean, e, pixels);
        if (distance < bestNorm[e]) {
          bestNorm[e] = distance;
          System.arraycopy(x, e * pixels, best, e * pixels, pixels);
        }
        for (int i = e * pixels; i < (e + 1) * pixels; i++) {
          x[i] = (float) (clean[i] + Fab.BETA * (x[i] - clean[i]));
        }
      }
      progress.iterationsDone(iteration + 1, withinEpsilon(bestNorm));
    }
    return new Result(best, bestNorm);
  }

  /**
   * Moves example e's iterate (in place) given the linearized boundary {@code f(x) + g . (y - x) =
   * 0}.
   */
  private void step(float[] x, float[] clean, int e, int pixels, double[] g, double f) {
    float[] current = Arrays.copyOfRange(x, e * pixels, (e + 1) * pixels);
    float[] origin = Arrays.copyOfRange(clean, e * pixels, (e + 1) * pixels);
    double offset = -f;
    for (int i = 0; i < pixels; i++) {
      offset += g[i] * current[i];
    }
    double[] fromCurrent = BoxedHyperplaneProjection.project(threat.norm(), current, g, offset);
    double[] fromOrigin = BoxedHyperplaneProjection.project(threat.norm(), origin, g, offset);
    double a1 = Math.max(length(fromCurrent), 1e-8);
    double a2 = Math.max(length(fromOrigin), 1e-8);
    double alpha = Math.min(Math.max(a1 / (a1 + a2), 0), Fab.ALPHA_MAX);
    for (int i = 0; i < pixels; i++) {
      double moved =
          (current[i] + Fab.ETA * fromCurrent[i]) * (1 - alpha)
              + (origin[i] + Fab.ETA * fromOrigin[i]) * alpha;
      x[e * pixels + i] = (float) Math.min(1, Math.max(0, moved));
    }
  }

  /**
   * The linearized boundary per example: value f and input gradient g of the chosen logit
   * difference.
   */
  private record Boundary(double[] values, double[][] gradients) {}

  /** FAB-T: f = z_target - z_label. */
  private Boundary targetedBoundary(NDManager scope, float[] x, long[] labels, long[] targets) {
    return logitDifference(scope, x, labels, targets);
  }

  /**
   * Untargeted FAB: of the boundaries z_k - z_label (k != label), the one whose linearization is
   * closest, |f_k| / ||g_k||_q with q the dual norm. One backward pass per class k.
   */
  private Boundary closestBoundary(NDManager scope, float[] x, long[] labels) {
    int size = labels.length;
    int classes = model.numClasses();
    double[] values = new double[size];
    double[][] gradients = new double[size][];
    double[] closest = new double[size];
    Arrays.fill(closest, Double.POSITIVE_INFINITY);
    long[] others = new long[size];
    for (int k = 0; k < classes; k++) {
      Arrays.fill(others, k);
      Boundary towardsK = logitDifference(scope, x, labels, others);
      for (int e = 0; e < size; e++) {
        if (labels[e] == k) {
          continue;
        }
        double distance =
            Math.abs(towardsK.values()[e]) / (dualNorm(towardsK.gradients()[e]) + 1e-12);
        if (distance < closest[e]) {
          closest[e] = distance;
          values[e] = towardsK.values()[e];
          gradients[e] = towardsK.gradients()[e];
        }
      }
    }
    return new Boundary(values, gradients);
  }

  /** z_other - z_label and its input gradient per example, at x, in eval mode. */
  private Boundary logitDifference(NDManager scope, float[] x, long[] labels, long[] others) {
    int size = labels.length;
    int pixels = x.length / size;
    try (NDManager step = scope.newSubManager()) {
      NDArray input = step.create(x, new Shape(size).addAll(imageShape));
      input.setRequiresGradient(true);
      NDArray difference;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logits = model.forward(input, false).logits();
        int classes = (int) logits.getShape().get(1);
        NDArray other =
            logits.mul(step.create(others).oneHot(classes, DataType.FLOAT32)).sum(new int[] {1});
        NDArray label =
            logits.mul(step.create(labels).oneHot(classes, DataType.FLOAT32)).sum(new int[] {1});
        difference = other.sub(label);
        collector.backward(difference.sum());
      }
      float[] values = difference.toFloatArray();
      float[] gradient = input.getGradient().toFloatArray();
      double[] f = new double[size];
      double[][] g = new double[size][pixels];
      for (int e = 0; e < size; e++) {
        f[e] = values[e];
        for (int i = 0; i < pixels; i++) {
          g[e][i] = gradient[e * pixels + i];
        }
      }
      return new Boundary(f, g);
    }
  }

  private boolean[] misclassified(NDManager scope, float[] x, long[] labels) {
    try (NDManager step = scope.newSubManager()) {
      NDArray input = step.create(x, new Shape(labels.length).addAll(imageShape));
      float[] logits = model.forward(input, false).logits().toFloatArray();
      int classes = logits.length / labels.length;
      boolean[] result = new boolean[labels.length];
      for (int e = 0; e < labels.length; e++) {
        result[e] = ClassRanking.predicted(logits, e, classes) != labels[e];
      }
      return result;
    }
  }

  private double distance(float[] x, float[] clean, int e, int pixels) {
    return threat.norm(
        Arrays.copyOfRange(x, e * pixels, (e + 1) * pixels),
        Arrays.copyOfRange(clean, e * pixels, (e + 1) * pixels));
  }

  private double length(double[] d) {
    double result = 0;
    for (double v : d) {
      result = threat.norm() == Norm.LINF ? Math.max(result, Math.abs(v)) : result + v * v;
    }
    return threat.norm() == Norm.LINF ? result : Math.sqrt(result);
  }

  /**
   * ||g||_1 for L-inf, ||g||_2 for L2: the norms under which |f| / ||g|| is the distance to the
   * hyperplane.
   */
  private double dualNorm(double[] g) {
    double result = 0;
    for (double v : g) {
      result += threat.norm() == Norm.LINF ? Math.abs(v) : v * v;
    }
    return threat.norm() == Norm.LINF ? result : Math.sqrt(result);
  }

  private int withinEpsilon(double[] norms) {
    int count = 0;
    for (double norm : norms) {
      count += norm <= threat.epsilon() ? 1 : 0;
    }
    return count;
  }
}
