package dev.arrest.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.arrest.api.v1alpha1.RepresentationDistance;

/** Distances and angles between two batches of representations [B, D], per example [B]. */
public final class RepresentationDistances {
  /** Keeps norms away from zero (an all-zero ReLU representation has no direction). */
  private static final double EPSILON = 1e-8;

  /** Keeps acos away from +-1, where its gradient is infinite. */
  private static final double COS_CLAMP = 1 - 1e-6;

  private RepresentationDistances() {}

  public static NDArray cosineSimilarity(NDArray a, NDArray b) {
    NDArray dot = a.mul(b).sum(new int[] {1});
    NDArray norms = a.norm(new int[] {1}).mul(b.norm(new int[] {1})).add((float) EPSILON);
    return dot.div(norms);
  }

  /**
   * Angle between the two representations in degrees, per example (not differentiable at 0 and
   * 180).
   */
  public static NDArray angleDegrees(NDArray a, NDArray b) {
    return cosineSimilarity(a, b).clip(-1, 1).acos().mul((float) (180 / Math.PI));
  }

  /**
   * The RGKD distance, per example: cosine 1 - cos, angular angle / pi, l2 squared Euclidean
   * distance.
   */
  public static NDArray distance(RepresentationDistance kind, NDArray student, NDArray teacher) {
    return switch (kind) {
      case COSINE -> cosineSimilarity(student, teacher).neg().add(1);
      case ANGULAR ->
          cosineSimilarity(student, teacher)
              .clip((float) -COS_CLAMP, (float) COS_CLAMP)
              .acos()
              .div((float) Math.PI);
      case L2 -> student.sub(teacher).square().sum(new int[] {1});
    };
  }
}
