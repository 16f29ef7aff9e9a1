package dev.arrest.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded random sample in which every class keeps its share of the dataset: class k gets floor(n
 * * count_k / size) examples, and the examples left over go one each to the classes with the
 * largest remainders (ties in a seeded random order). So each class is within one example of its
 * proportional share; on a balanced test set the classes differ by at most one. Within a class the
 * examples are drawn uniformly without replacement.
 */
final class StratifiedSample {
  private StratifiedSample() {}

  /** The chosen indices, ascending (the dataset's order). */
  static int[] indices(int[] labels, int numClasses, int n, long seed) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int k = 0; k < numClasses; k++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i]).add(i);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] quota = quotas(byClass, labels.length, n, random);
    int[] chosen = new int[n];
    int next = 0;
    for (int k = 0; k < numClasses; k++) {
      int[] members = byClass.get(k).stream().mapToInt(Integer::intValue).toArray();
      Permutations.shufflePrefix(members, quota[k], random.split());
      System.arraycopy(members, 0, chosen, next, quota[k]);
      next += quota[k];
    }
    Arrays.sort(chosen);
    return chosen;
  }

  /** Largest-remainder apportionment of n among the classes, by their counts. */
  private static int[] quotas(
      List<List<Integer>> byClass, int size, int n, SplittableRandom random) {
    int classes = byClass.size();
    int[] quota = new int[classes];
    long[] remainder = new long[classes];
    int assigned = 0;
    for (int k = 0; k < classes; k++) {
      long share = (long) n * byClass.get(k).size();
      quota[k] = (int) (share / size);
      remainder[k] = share % size;
      assigned += quota[k];
    }
    int[] tieOrder = Permutations.identity(classes);
    Permutations.shufflePrefix(tieOrder, classes, random);
    Integer[] order = new Integer[classes];
    for (int k = 0; k < classes; k++) {
      order[k] = k;
    }
    int[] rank = new int[classes];
    for (int position = 0; position < classes; position++) {
      rank[tieOrder[position]] = position;
    }
    Arrays.sort(
        order,
        Comparator.<Integer>comparingLong(k -> -remainder[k]).thenComparingInt(k -> rank[k]));
    for (int i = 0; i < n - assigned; i++) {
      quota[order[i]]++;
    }
    return quota;
  }
}
