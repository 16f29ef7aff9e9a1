package dev.arrest.trainer.train;

import dev.arrest.results.EpochMetrics;
import java.util.List;
import java.util.Objects;

/**
 * Keeps a list (a stage result's epochs) equal to the run's history, restored epochs included,
 * after the run begins and after every epoch. A stage that fails part of the way, e.g. when its
 * loss diverges, then still reports the epochs it completed: the curve up to the failure is what
 * its user needs to choose a fix.
 */
public final class EpochHistoryRecorder implements TrainingListener {
  private final List<EpochMetrics> epochs;

  public EpochHistoryRecorder(List<EpochMetrics> epochs) {
    this.epochs = Objects.requireNonNull(epochs, "epochs");
  }

  @Override
  public void onTrainingBegin(TrainingRun run) {
    copy(run);
  }

  @Override
  public void onEpoch(TrainingRun run, EpochMetrics metrics) {
    copy(run);
  }

  private void copy(TrainingRun run) {
    epochs.clear();
    epochs.addAll(run.history());
  }
}
