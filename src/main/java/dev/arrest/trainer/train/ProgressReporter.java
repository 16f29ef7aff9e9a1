package dev.arrest.trainer.train;

import dev.arrest.results.EpochMetrics;
import dev.arrest.trainer.progress.ProgressListener;

/** Shows a training run on a {@link ProgressListener}: a phase per epoch, a step per batch. */
public final class ProgressReporter implements TrainingListener {
  private final ProgressListener progress;

  public ProgressReporter(ProgressListener progress) {
    this.progress = progress;
  }

  @Override
  public void onEpochBegin(TrainingRun run, int epoch, int batches) {
    progress.phaseStarted(run.stage(), "epoch", epoch, run.epochs(), batches);
  }

  @Override
  public void onTrainingBatch(TrainingRun run, BatchEvent batch) {
    RunningMetrics running = batch.running();
    progress.stepDone(
        batch.batch(),
        running.examples(),
        running.loss(),
        running.accuracy(),
        running.rgkdLoss(),
        running.noisyReplayRate());
  }

  @Override
  public void onEpochClosed(TrainingRun run, int epoch) {
    progress.phaseFinished();
  }

  @Override
  public void onEpoch(TrainingRun run, EpochMetrics metrics) {
    progress.epochFinished(run.stage(), run.epochs(), metrics);
  }
}
