package dev.arrest.trainer.progress;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.Stage;
import java.io.PrintStream;

/**
 * Progress for non-interactive runs (trainer pods, CI logs): a {@link ProgressEvent} line after the
 * first step of every phase, then at most every {@code intervalSeconds}, and at the end of every
 * phase, plus a readable line per epoch. Within a long step (an attack on one batch) events with
 * the in-batch counts follow the same interval. The operator reads the latest event line from the
 * pod's log.
 */
public final class LogLineProgress implements ProgressListener {
  private final PrintStream out;
  private final String trainingName;
  private final long intervalNanos;
  private Stage stage;
  private int epoch;
  private int epochs;
  private int steps;
  private String phase;
  private int stepsDone;
  private Double accuracy;
  private long phaseStartNanos;
  private long lastPrintNanos;
  private ProgressEvent last;

  public LogLineProgress(PrintStream out, String trainingName, double intervalSeconds) {
    this.out = out;
    this.trainingName = trainingName;
    this.intervalNanos = (long) (intervalSeconds * 1e9);
  }

  @Override
  public void phaseStarted(Stage stage, String phase, int epoch, int epochs, int steps) {
    this.stage = stage;
    this.epoch = epoch;
    this.epochs = epochs;
    this.steps = steps;
    this.phase = phase;
    stepsDone = 0;
    accuracy = null;
    phaseStartNanos = System.nanoTime();
    // The first step of a phase is reported at once, so that even a phase shorter than the interval
    // shows progress.
    lastPrintNanos = phaseStartNanos - intervalNanos;
    out.println(
        epochs > 0
            ? stage + " epoch " + epoch + "/" + epochs + ": " + steps + " batches"
            : stage + " " + phase + ": " + steps + " batches");
  }

  @Override
  public void stepDone(
      int step,
      long examplesDone,
      Double loss,
      double accuracy,
      Double rgkdLoss,
      Double noisyReplayRate) {
    stepsDone = step;
    this.accuracy = accuracy;
    long now = System.nanoTime();
    double seconds = (now - phaseStartNanos) / 1e9;
    double phaseFraction = (double) step / Math.max(steps, 1);
    double fraction = epochs > 0 ? ((epoch - 1) + phaseFraction) / epochs : phaseFraction;
    double perStep = seconds / Math.max(step, 1);
    double eta = perStep * (steps - step) + (epochs > 0 ? perStep * steps * (epochs - epoch) : 0);
    last =
        new ProgressEvent(
            trainingName,
            stage,
            epoch,
            epochs,
            step,
            steps,
            fraction,
            loss,
            rgkdLoss,
            noisyReplayRate,
            accuracy,
            examplesDone / Math.max(seconds, 1e-9),
            eta,
            phase,
            null,
            null,
            null,
            null,
            null);
    printIfDue(now);
  }

  @Override
  public void withinStep(WithinStep progress) {
    long now = System.nanoTime();
    double seconds = (now - phaseStartNanos) / 1e9;
    double phaseFraction = Math.min(1, (stepsDone + progress.fraction()) / Math.max(steps, 1));
    double fraction = epochs > 0 ? ((epoch - 1) + phaseFraction) / epochs : phaseFraction;
    Double eta = phaseFraction > 0 ? seconds * (1 - phaseFraction) / phaseFraction : null;
    last =
        new ProgressEvent(
            trainingName,
            stage,
            epoch,
            epochs,
            stepsDone,
            steps,
            fraction,
            null,
            null,
            null,
            accuracy,
            null,
            eta,
            phase,
            progress.unit(),
            progress.done(),
            progress.total(),
            progress.stillRobust(),
            progress.examples());
    printIfDue(now);
  }

  private void printIfDue(long now) {
    if (now - lastPrintNanos >= intervalNanos) {
      out.println(last.toLine());
      lastPrintNanos = now;
    }
  }

  @Override
  public void phaseFinished() {
    if (last != null) {
      out.println(last.toLine());
      last = null;
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
