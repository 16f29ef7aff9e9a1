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
  private int steps;
  private int stepsDone;
  private String stepMessage = "";

  public ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void phaseStarted(Stage stage, String phase, int epoch, int epochs, int steps) {
    phaseStartNanos = System.nanoTime();
    this.steps = steps;
    stepsDone = 0;
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
    stepsDone = step;
    stepMessage = extra.toString();
    bar.stepTo(step);
    bar.setExtraMessage(stepMessage);
  }

  /** Adds e.g. {@code 1200/5000 queries, robust 87/125, ETA 95 s} to the bar during a long step. */
  @Override
  public void withinStep(WithinStep progress) {
    if (bar == null) {
      return;
    }
    double seconds = (System.nanoTime() - phaseStartNanos) / 1e9;
    double phaseFraction = Math.min(1, (stepsDone + progress.fraction()) / Math.max(steps, 1));
    String eta =
        phaseFraction > 0
            ? String.format(
                Locale.ROOT, ", ETA %.0f s", seconds * (1 - phaseFraction) / phaseFraction)
            : "";
    bar.setExtraMessage(
        String.format(
            Locale.ROOT,
            "%s%d/%d %s, robust %d/%d%s",
            stepMessage.isEmpty() ? "" : stepMessage + " | ",
            progress.done(),
            progress.total(),
            progress.unit(),
            progress.stillRobust(),
            progress.examples(),
            eta));
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
