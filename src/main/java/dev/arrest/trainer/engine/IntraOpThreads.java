package dev.arrest.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The number of intra-op threads libtorch computes with, set explicitly by every command that
 * trains or evaluates.
 *
 * <p>Why explicitly: left alone, libtorch sizes its pool from the host's cores rather than a
 * container's CPU limit, and its bundled oneMKL runs with dynamic threading on ({@code MKL_VERBOSE}
 * shows {@code Dyn:1}), free to use fewer threads for a GEMM than the pool has, which changes the
 * order of floating-point sums from run to run. {@code at::set_num_threads} fixes the pool and
 * turns oneMKL's dynamic threading off ({@code Dyn:0}). One thread is the reproducible setting on
 * every CPU: no kernel then splits a reduction (docs/trainer.md, Reproducibility).
 */
public final class IntraOpThreads {
  /** Overrides the default (all processors available to the process) when no option is given. */
  public static final String ENVIRONMENT_VARIABLE = "ARREST_THREADS";

  private IntraOpThreads() {}

  /**
   * Sets libtorch's intra-op threads, starting the engine if needed, and returns their number.
   *
   * @param requested a positive number, or 0 for {@value #ENVIRONMENT_VARIABLE} if set, else every
   *     processor available to the JVM (which respects a container's CPU limit)
   */
  public static int configure(int requested) {
    int threads =
        resolve(
            requested,
            System.getenv(ENVIRONMENT_VARIABLE),
            Runtime.getRuntime().availableProcessors());
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    return threads;
  }

  /** The intra-op threads libtorch uses now. */
  public static int current() {
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }

  static int resolve(int requested, String environment, int availableProcessors) {
    if (requested < 0) {
      throw new IllegalArgumentException(
          "--threads: " + requested + " is negative; give a positive number, or 0 for the default");
    }
    if (requested > 0) {
      return requested;
    }
    if (environment != null && !environment.isBlank()) {
      try {
        int fromEnvironment = Integer.parseInt(environment.trim());
        if (fromEnvironment > 0) {
          return fromEnvironment;
        }
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
      throw new IllegalArgumentException(
          ENVIRONMENT_VARIABLE
              + "="
              + environment
              + ": not a positive whole number; unset it to use every available processor");
    }
    return Math.max(1, availableProcessors);
  }
}
