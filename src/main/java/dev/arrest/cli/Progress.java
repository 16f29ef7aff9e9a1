package dev.arrest.cli;

import dev.arrest.trainer.progress.ConsoleProgress;
import dev.arrest.trainer.progress.LogLineProgress;
import dev.arrest.trainer.progress.ProgressListener;

/** How progress is shown: a bar on a terminal, machine-readable lines in logs (pods, CI). */
enum Progress {
  AUTO,
  BAR,
  LINES;

  ProgressListener listener(String trainingName) {
    boolean bar = this == BAR || (this == AUTO && System.console() != null);
    return bar
        ? new ConsoleProgress(System.out)
        : new LogLineProgress(System.out, trainingName, 10);
  }
}
