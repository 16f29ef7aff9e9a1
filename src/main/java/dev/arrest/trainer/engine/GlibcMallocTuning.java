package dev.arrest.trainer.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Map;

/**
 * Makes glibc's malloc keep freed memory when the trainer runs without a retaining allocator (no
 * jemalloc preloaded: plain {@code java -jar}, or {@code ARREST_ALLOCATOR=glibc}).
 *
 * <p>Why: the trainer calls PyTorch from JVM threads, never from the process's first thread, so
 * every tensor comes from one of glibc's per-thread arenas. Those are built from 64 MiB heaps that
 * glibc unmaps as soon as they are empty and trims above the trim threshold, and blocks above the
 * (dynamic) mmap threshold are mmapped and unmapped one by one; each step's activations are then
 * faulted in anew (docs/benchmarks.md#allocator). The same settings as the glibc tunables {@code
 * glibc.malloc.top_pad}, {@code trim_threshold} and {@code mmap_threshold}, made through {@code
 * mallopt(3)} at start, before PyTorch allocates: a top pad larger than a heap keeps emptied heaps,
 * a trim threshold above any step's footprint keeps the top of the heap, and the largest fixed mmap
 * threshold glibc accepts (32 MiB) keeps activation-sized blocks inside the heaps.
 */
public final class GlibcMallocTuning {
  /** mallopt parameters, malloc.h. */
  static final int M_TRIM_THRESHOLD = -1;

  static final int M_TOP_PAD = -2;
  static final int M_MMAP_THRESHOLD = -3;

  /**
   * More than a per-thread arena's heap (HEAP_MAX_SIZE, 64 MiB on 64-bit): glibc deletes an empty
   * heap only while the pad still fits after deleting it, which it then never does.
   */
  static final int TOP_PAD = 256 << 20;

  static final int TRIM_THRESHOLD = 1 << 30;

  /** The largest value glibc accepts for M_MMAP_THRESHOLD on 64-bit (HEAP_MAX_SIZE / 2). */
  static final int MMAP_THRESHOLD = 32 << 20;

  /** Environment variable that turns this off ({@code off}). */
  public static final String SWITCH = "ARREST_GLIBC_MALLOC_TUNING";

  /** What {@link #applyIfGlibc} did, for the CLI's allocator line. */
  public enum Outcome {
    APPLIED,
    /** Another allocator serves malloc; nothing to tune. */
    NOT_GLIBC,
    /** The user tunes glibc's malloc (GLIBC_TUNABLES or MALLOC_*_ variables) or switched it off. */
    LEFT_TO_THE_USER,
    /** mallopt was not reachable or refused a value. */
    FAILED
  }

  private interface CLibrary extends Library {
    int mallopt(int parameter, int value);
  }

  private static volatile Outcome outcome;

  private GlibcMallocTuning() {}

  /**
   * Tunes glibc's malloc once per process, if it is the allocator and the user has not tuned it;
   * returns what happened.
   */
  public static synchronized Outcome applyIfGlibc() {
    if (outcome == null) {
      outcome = apply(NativeAllocator.current(), System.getenv());
    }
    return outcome;
  }

  /** The outcome of the first {@link #applyIfGlibc}, or null before it. */
  public static Outcome outcome() {
    return outcome;
  }

  static Outcome apply(NativeAllocator allocator, Map<String, String> environment) {
    if (allocator != NativeAllocator.GLIBC) {
      return Outcome.NOT_GLIBC;
    }
    if (userTunes(environment)) {
      return Outcome.LEFT_TO_THE_USER;
    }
    try {
      CLibrary c = Native.load("c", CLibrary.class);
      // mallopt returns 1 on success, 0 on error.
      boolean ok =
          c.mallopt(M_TOP_PAD, TOP_PAD) == 1
              && c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
              && c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1;
      return ok ? Outcome.APPLIED : Outcome.FAILED;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Outcome.FAILED;
    }
  }

  static boolean userTunes(Map<String, String> environment) {
    if ("off".equalsIgnoreCase(environment.getOrDefault(SWITCH, ""))) {
      return true;
    }
    if (environment.getOrDefault("GLIBC_TUNABLES", "").contains("glibc.malloc.")) {
      return true;
    }
    return environment.keySet().stream()
        .anyMatch(
            k ->
                k.equals("MALLOC_TOP_PAD_")
                    || k.equals("MALLOC_TRIM_THRESHOLD_")
                    || k.equals("MALLOC_MMAP_THRESHOLD_")
                    || k.equals("MALLOC_ARENA_MAX"));
  }
}
