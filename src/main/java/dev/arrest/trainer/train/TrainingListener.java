package dev.arrest.trainer.train;

import dev.arrest.results.EpochMetrics;

/**
 * Receives the events of a {@link TrainingLoop}, as DJL's {@code TrainingListener} does for its
 * {@code EasyTrain}: checkpointing, the divergence check and progress reporting are listeners, so
 * the loop itself only trains. Listeners run in the order they were added; an exception from one
 * stops the training. Every method does nothing by default.
 */
public interface TrainingListener {

  /** Before the first epoch; a listener may {@link TrainingRun#resume} an interrupted run here. */
  default void onTrainingBegin(TrainingRun run) {}

  /** An epoch of {@code batches} batches starts. */
  default void onEpochBegin(TrainingRun run, int epoch, int batches) {}

  /**
   * A batch's gradients are computed and its metrics added to the epoch's; the parameter update
   * follows, unless a listener throws.
   */
  default void onTrainingBatch(TrainingRun run, BatchEvent batch) {}

  /**
   * The epoch's batches are over, because they all ran or because one failed; always follows {@link
   * #onEpochBegin}.
   */
  default void onEpochClosed(TrainingRun run, int epoch) {}

  /** An epoch completed; {@code metrics} is already the last entry of the run's history. */
  default void onEpoch(TrainingRun run, EpochMetrics metrics) {}

  /** What a training batch measured, and the epoch's running figures including it. */
  record BatchEvent(int epoch, int batch, StepMetrics step, RunningMetrics running) {}

  /** The epoch so far: examples, mean loss, accuracy, mean RGKD distance and NR rate. */
  record RunningMetrics(
      long examples, double loss, double accuracy, Double rgkdLoss, Double noisyReplayRate) {}
}
