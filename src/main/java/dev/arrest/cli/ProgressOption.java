package dev.arrest.cli;

import dev.arrest.trainer.progress.ProgressListener;
import picocli.CommandLine.Option;

/** The {@code --progress} option of the commands that train or evaluate, as a picocli mixin. */
final class ProgressOption {

  @Option(
      names = "--progress",
      defaultValue = "auto",
      description = "Progress display: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Progress mode;

  ProgressListener listener(String trainingName) {
    return mode.listener(trainingName);
  }
}
