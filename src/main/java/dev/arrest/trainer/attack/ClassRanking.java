package dev.arrest.trainer.attack;

import java.util.Arrays;
import java.util.Comparator;

/** Predictions and class rankings from logits held as a flat [B * classes] array. */
final class ClassRanking {
  private ClassRanking() {}

  /**
   * The predicted class of example {@code e}: the first index of its largest logit, as argmax
   * returns it.
   */
  static int predicted(float[] logits, int e, int classes) {
    int best = 0;
    for (int k = 1; k < classes; k++) {
      if (logits[e * classes + k] > logits[e * classes + best]) {
        best = k;
      }
    }
    return best;
  }

  /**
   * The class with the {@code rank}-th largest logit of example {@code e} (rank 1 is the
   * prediction).
   */
  static int classAtRank(float[] logits, int e, int classes, int rank) {
    if (rank < 1 || rank > classes) {
      throw new IllegalArgumentException("rank " + rank + " of " + classes + " classes");
    }
    Integer[] order = new Integer[classes];
    for (int k = 0; k < classes; k++) {
      order[k] = k;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer k) -> -logits[e * classes + k]));
    return order[rank - 1];
  }

  /**
   * z_label - max_{k != label} z_k: positive when example {@code e} is classified as {@code label}.
   */
  static float margin(float[] logits, int e, int classes, int label) {
    float other = Float.NEGATIVE_INFINITY;
    for (int k = 0; k < classes; k++) {
      if (k != label) {
        other = Math.max(other, logits[e * classes + k]);
      }
    }
    return logits[e * classes + label] - other;
  }
}
