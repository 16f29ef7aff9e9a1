package dev.arrest.trainer.progress;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * An interactive progress bar per phase (batches, rate, ETA, running loss and accuracy) and a line
 * per epoch.
 */
public final class ConsoleProgress implements ProgressListener {
  private final PrintStream out;
  private ProgressBar bar;
  private long phaseStartNanos;

  public ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void phaseStarted(Stage stage, String phase, int epoch, int epochs, int steps) {
    phaseStartNanos = System.nanoTime();
    String name =
        epochs > 0
            ? String.format(Locale.ROOT, "%s %d/%d", stage, epoch, epochs)
            : stage + " " + phase;
    bar =
        new ProgressBarBuilder()
            .setTaskName(name)
            .setInitialMax(steps)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250)
            .setMaxRenderedLength(140)
            .continuousUpdate()
            .build();
  }

  @Override
  public void stepDone(
      int step,
      long examplesDone,
      Double loss,
      double accuracy,
      Double rgkdLoss,
      Double noisyReplayRate) {
    if (bar == null) {
      return;
    }
    double seconds = (System.nanoTime() - phaseStartNanos) / 1e9;
    StringBuilder extra = new StringBuilder();
    if (loss != null) {
      extra.append(String.format(Locale.ROOT, "loss %.3f ", loss));
    }
    extra.append(String.format(Locale.ROOT, "acc %.1f%% ", 100 * accuracy));
    if (noisyReplayRate != null) {
      extra.append(String.format(Locale.ROOT, "nr %.1f%% ", 100 * noisyReplayRate));
    }
    extra.append(String.format(Locale.ROOT, "%.0f img/s", examplesDone / Math.max(seconds, 1e-9)));
    bar.stepTo(step);
    bar.setExtraMessage(extra.toString());
  }

  @Override
  public void phaseFinished() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  @Override
  public void epochFinished(Stage stage, int epochs, EpochMetrics metrics) {
    out.println(EpochLine.format(stage, epochs, metrics));
  }

  @Override
  public void info(String message) {
    out.println(message);
  }
}
