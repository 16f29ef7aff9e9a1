package dev.arrest.results;

import java.util.Base64;
import java.util.BitSet;

/**
 * Which evaluated test examples a model got right, clean and under the worst case of the attacks,
 * so that two models evaluated on the same test images can be compared example by example (a paired
 * difference, far tighter than two separate intervals when the models mostly agree). Each is a
 * bitset in base64: bit i (least significant bit of byte i / 8 first, as {@link
 * BitSet#toByteArray}) is the i-th evaluated example, in the order of {@code evaluation.subset}.
 * About 1.7 kB each for 10 000 examples.
 *
 * @param standardCorrect the clean prediction was right
 * @param robustCorrect right under every attack (the per-example worst case)
 */
public record ExampleOutcomes(String standardCorrect, String robustCorrect) {

  public static ExampleOutcomes of(boolean[] standardCorrect, boolean[] robustCorrect) {
    if (standardCorrect.length != robustCorrect.length) {
      throw new IllegalArgumentException(
          standardCorrect.length + " clean outcomes but " + robustCorrect.length + " robust ones");
    }
    return new ExampleOutcomes(encode(standardCorrect), encode(robustCorrect));
  }

  /** The clean outcomes of the {@code samples} examples. */
  public boolean[] standard(int samples) {
    return decode(standardCorrect, samples);
  }

  /** The worst-case outcomes of the {@code samples} examples. */
  public boolean[] robust(int samples) {
    return decode(robustCorrect, samples);
  }

  private static String encode(boolean[] outcomes) {
    BitSet bits = new BitSet(outcomes.length);
    for (int i = 0; i < outcomes.length; i++) {
      bits.set(i, outcomes[i]);
    }
    return Base64.getEncoder().encodeToString(bits.toByteArray());
  }

  private static boolean[] decode(String encoded, int samples) {
    BitSet bits = BitSet.valueOf(Base64.getDecoder().decode(encoded));
    if (bits.length() > samples) {
      throw new IllegalArgumentException(
          "the outcomes name example " + (bits.length() - 1) + " of only " + samples);
    }
    boolean[] outcomes = new boolean[samples];
    for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
      outcomes[i] = true;
    }
    return outcomes;
  }
}
