package dev.arrest.cli;

import dev.arrest.trainer.engine.IntraOpThreads;
import picocli.CommandLine.Option;

/** The {@code --threads} option of the commands that train or evaluate, as a picocli mixin. */
final class ThreadsOption {

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Intra-op threads of libtorch (default: $"
              + IntraOpThreads.ENVIRONMENT_VARIABLE
              + ", else every available processor). 1 makes a run and its resume bit-exact on"
              + " any CPU (docs/trainer.md, Reproducibility).")
  int threads;

  /** Applies the option; returns the number of threads in use. */
  int configure() {
    return IntraOpThreads.configure(threads);
  }
}
