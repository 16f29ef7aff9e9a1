package dev.arrest.trainer.attack;

/** Gathering the rows of a flat batch array that a run works on. */
final class Subsets {
  private Subsets() {}

  static int[] indicesOf(boolean[] flags) {
    int count = 0;
    for (boolean flag : flags) {
      count += flag ? 1 : 0;
    }
    int[] indices = new int[count];
    int next = 0;
    for (int i = 0; i < flags.length; i++) {
      if (flags[i]) {
        indices[next++] = i;
      }
    }
    return indices;
  }

  /** Rows {@code members} of a flat array of rows of {@code width} values each. */
  static float[] rows(float[] values, int[] members, int width) {
    float[] result = new float[members.length * width];
    for (int j = 0; j < members.length; j++) {
      System.arraycopy(values, members[j] * width, result, j * width, width);
    }
    return result;
  }

  static long[] pick(long[] values, int[] members) {
    long[] result = new long[members.length];
    for (int j = 0; j < members.length; j++) {
      result[j] = values[members[j]];
    }
    return result;
  }

  static int[] pick(int[] values, int[] members) {
    int[] result = new int[members.length];
    for (int j = 0; j < members.length; j++) {
      result[j] = values[members[j]];
    }
    return result;
  }
}
