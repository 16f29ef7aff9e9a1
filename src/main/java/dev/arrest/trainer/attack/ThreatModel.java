package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.Norm;
import java.util.Objects;

/**
 * The set of allowed adversarial images: the epsilon-ball of the norm around the clean image,
 * intersected with the [0, 1] pixel box. Per-example operations on NDArrays of shape [B, ...] and
 * on flat float arrays of one example.
 */
public record ThreatModel(Norm norm, double epsilon) {

  /**
   * float32 rounding of x +- eps and of the L2 norm of a few thousand pixels stays well below this.
   */
  public static final double TOLERANCE = 1e-5;

  public ThreatModel {
    Objects.requireNonNull(norm, "norm");
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive and finite, found " + epsilon);
    }
  }

  public static ThreatModel linf(double epsilon) {
    return new ThreatModel(Norm.LINF, epsilon);
  }

  public static ThreatModel l2(double epsilon) {
    return new ThreatModel(Norm.L2, epsilon);
  }

  /**
   * The allowed image nearest to {@code candidate} in L-inf (exact: clip to the ball, then to the
   * box); for L2, as in the reference code, the radial projection onto the ball followed by
   * clipping to the box, which can only shorten the perturbation because the clean image is inside
   * the box.
   */
  public NDArray project(NDArray candidate, NDArray clean) {
    if (norm == Norm.LINF) {
      return candidate.maximum(clean.sub(epsilon)).minimum(clean.add(epsilon)).clip(0, 1);
    }
    NDArray delta = candidate.sub(clean);
    NDArray length = norms(delta);
    NDArray scale = length.minimum(epsilon).div(length.add(1e-12));
    return clean.add(delta.mul(scale)).clip(0, 1);
  }

  /**
   * Per-example norm of {@code delta} [B, ...], shaped [B, 1, ..., 1] so that it broadcasts against
   * delta.
   */
  public NDArray norms(NDArray delta) {
    NDArray flat = delta.reshape(delta.getShape().get(0), -1);
    NDArray values =
        norm == Norm.LINF ? flat.abs().max(new int[] {1}) : flat.square().sum(new int[] {1}).sqrt();
    return values.reshape(broadcastShape(delta.getShape()));
  }

  /** {@code v} divided per example by its norm (plus 1e-12, so that zero stays zero). */
  public NDArray normalize(NDArray v) {
    return v.div(norms(v).add(1e-12));
  }

  /** The norm of one flattened perturbation. */
  public double norm(float[] adversarial, float[] clean) {
    double result = 0;
    for (int i = 0; i < clean.length; i++) {
      double d = Math.abs((double) adversarial[i] - clean[i]);
      result = norm == Norm.LINF ? Math.max(result, d) : result + d * d;
    }
    return norm == Norm.LINF ? result : Math.sqrt(result);
  }

  /**
   * Whether one flattened image is an allowed perturbation of the clean one (up to float32
   * rounding).
   */
  public boolean contains(float[] adversarial, float[] clean) {
    for (float value : adversarial) {
      if (!(value >= 0 && value <= 1)) {
        return false;
      }
    }
    return norm(adversarial, clean) <= epsilon + TOLERANCE;
  }

  /** Epsilon written as attacks' names show it, e.g. {@code linf 0.0314}. */
  @Override
  public String toString() {
    return norm + " " + String.format(java.util.Locale.ROOT, "%.4g", epsilon);
  }

  private static Shape broadcastShape(Shape shape) {
    long[] dims = new long[shape.dimension()];
    java.util.Arrays.fill(dims, 1);
    dims[0] = shape.get(0);
    return new Shape(dims);
  }
}
