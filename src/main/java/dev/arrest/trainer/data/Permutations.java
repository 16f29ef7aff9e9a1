package dev.arrest.trainer.data;

import java.util.SplittableRandom;

/** Index permutations shared by subset selection and per-epoch shuffling. */
final class Permutations {

  private Permutations() {}

  /** 0, 1, ..., n - 1. */
  static int[] identity(int n) {
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      indices[i] = i;
    }
    return indices;
  }

  /**
   * Fisher-Yates over the first {@code prefix} positions: afterwards {@code indices[0..prefix)} is
   * a uniform sample without replacement, and a longer prefix extends a shorter one.
   */
  static void shufflePrefix(int[] indices, int prefix, SplittableRandom random) {
    for (int i = 0; i < prefix; i++) {
      int j = i + random.nextInt(indices.length - i);
      int tmp = indices[i];
      indices[i] = indices[j];
      indices[j] = tmp;
    }
  }
}
