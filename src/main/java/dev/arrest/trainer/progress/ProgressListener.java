package dev.arrest.trainer.progress;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;

/** Receives a stage's progress; the console shows a progress bar, a pod prints machine-readable lines. */
public interface ProgressListener {

  /** A phase of work with a known number of steps (an epoch, or one attack of the evaluation). */
  void phaseStarted(Stage stage, String phase, int epoch, int epochs, int steps);

  /**
   * One step of the current phase is done.
   *
   * @param examplesDone examples processed so far in this phase
   * @param loss running mean loss of the phase, or null
   * @param accuracy running accuracy of the phase in [0, 1]
   * @param rgkdLoss running mean RGKD distance, or null
   * @param noisyReplayRate running NR switch rate, or null
   */
  void stepDone(int step, long examplesDone, Double loss, double accuracy, Double rgkdLoss, Double noisyReplayRate);

  void phaseFinished();

  /** A training epoch's final metrics. */
  void epochFinished(Stage stage, int epochs, EpochMetrics metrics);

  /** A line for the user (what is being loaded, resumed, saved). */
  void info(String message);

  ProgressListener NONE = new ProgressListener() {
    @Override
    public void phaseStarted(Stage stage, String phase, int epoch, int epochs, int steps) {}

    @Override
    public void stepDone(int step, long examplesDone, Double loss, double accuracy, Double rgkdLoss,
        Double noisyReplayRate) {}

    @Override
    public void phaseFinished() {}

    @Override
    public void epochFinished(Stage stage, int epochs, EpochMetrics metrics) {}

    @Override
    public void info(String message) {}
  };
}
