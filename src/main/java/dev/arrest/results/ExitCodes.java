package dev.arrest.results;

/**
 * Exit codes of the trainer's {@code stage} and {@code run} commands, which the operator reads from
 * the trainer container to decide whether running the stage again can help.
 */
public final class ExitCodes {
  public static final int SUCCEEDED = 0;

  /** The stage failed while it ran (diverged, a broken data file, out of memory in Java). */
  public static final int FAILED = 1;

  /**
   * Refused before any work: an invalid spec or argument, an output directory that cannot be
   * written, fewer GPUs than the Job asked for. Running the same stage again cannot help.
   */
  public static final int INVALID_SPEC = 2;

  private ExitCodes() {}
}
