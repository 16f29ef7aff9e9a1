package dev.arrest.trainer.attack;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Random streams keyed by (seed, purpose, example, run). Each example's random starts and searches
 * depend only on these, not on the batch size or on which other examples are still being attacked,
 * so a seed reproduces an evaluation whatever the batching.
 */
public final class ExampleRandom {
  private final long seed;

  public ExampleRandom(long seed) {
    this.seed = seed;
  }

  /**
   * Streams independent of this one's, for another attack of the same evaluation (keyed by its
   * unique name).
   */
  public ExampleRandom derive(String attackName) {
    long key = seed;
    for (byte b : attackName.getBytes(StandardCharsets.UTF_8)) {
      key = mix(key * 31 + b);
    }
    return new ExampleRandom(key);
  }

  /**
   * @param purpose which attack draws, e.g. {@code apgd-ce}
   * @param example the example's index in the evaluation set
   * @param run the restart or target-class run
   */
  public SplittableRandom stream(String purpose, int example, int run) {
    long key = seed;
    for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
      key = mix(key + b);
    }
    key = mix(key ^ mix(example + 0x9E3779B97F4A7C15L));
    key = mix(key ^ mix(run + 0xC2B2AE3D27D4EB4FL));
    return new SplittableRandom(key);
  }

  /** One stream per example of a batch. */
  public SplittableRandom[] streams(String purpose, int[] examples, int run) {
    SplittableRandom[] streams = new SplittableRandom[examples.length];
    for (int i = 0; i < examples.length; i++) {
      streams[i] = stream(purpose, examples[i], run);
    }
    return streams;
  }

  /** Standard normal variate (Box-Muller; SplittableRandom has no nextGaussian on Java 17). */
  public static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The SplitMix64 finalizer: a bijection that spreads nearby keys over all 64 bits. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
