package dev.arrest.trainer.progress;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;

/**
 * Receives a stage's progress; the console shows a progress bar, a pod prints machine-readable
 * lines. Every method does nothing by default, so a listener implements only what it shows.
 */
public interface ProgressListener {

  /** A phase of work with a known number of steps (an epoch, or one attack of the evaluation). */
  default void phaseStarted(Stage stage, String phase, int epoch, int epochs, int steps) {}

  /**
   * One step of the current phase is done.
   *
   * @param examplesDone examples processed so far in this phase
   * @param loss running mean loss of the phase, or null
   * @param accuracy running accuracy of the phase in [0, 1]
   * @param rgkdLoss running mean RGKD distance, or null
   * @param noisyReplayRate running NR switch rate, or null
   */
  default void stepDone(
      int step,
      long examplesDone,
      Double loss,
      double accuracy,
      Double rgkdLoss,
      Double noisyReplayRate) {}

  /**
   * Progress inside the current step, for steps that take long (an attack's iterations or queries
   * on one batch); called often, so listeners throttle what they show.
   */
  default void withinStep(WithinStep progress) {}

  default void phaseFinished() {}

  /** A training epoch's final metrics. */
  default void epochFinished(Stage stage, int epochs, EpochMetrics metrics) {}

  /** A line for the user (what is being loaded, resumed, saved). */
  default void info(String message) {}

  ProgressListener NONE = new ProgressListener() {};
}
