package dev.arrest.trainer.train;

import dev.arrest.results.EpochMetrics;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Resumes a run from the newest checkpoint of its directory and writes a checkpoint after every
 * epoch ({@link CheckpointStore}).
 */
public final class CheckpointListener implements TrainingListener {
  private final CheckpointStore checkpoints;
  private final String fingerprint;
  private final Consumer<String> log;

  /**
   * @param fingerprint identifies the configuration this stage trains with; a checkpoint written
   *     under another fingerprint is refused instead of silently resumed
   * @param log receives the line saying where a run resumes
   */
  public CheckpointListener(Path directory, String fingerprint, Consumer<String> log) {
    this.checkpoints = new CheckpointStore(directory);
    this.fingerprint = fingerprint;
    this.log = log;
  }

  @Override
  public void onTrainingBegin(TrainingRun run) {
    Optional<Path> latest = checkpoints.latest();
    if (latest.isEmpty()) {
      return;
    }
    CheckpointStore.State state = checkpoints.readState(latest.get());
    if (!fingerprint.equals(state.fingerprint())) {
      throw new IllegalStateException(
          "the checkpoints in "
              + latest.get().getParent()
              + " were written for a different "
              + run.stage()
              + " configuration; use another output directory, or delete it to start over");
    }
    checkpoints.restore(latest.get(), run.network(), run.optimizer());
    run.resume(state.epoch(), state.history());
    log.accept(
        "Resuming "
            + run.stage()
            + " after epoch "
            + state.epoch()
            + "/"
            + run.epochs()
            + " from "
            + latest.get());
  }

  @Override
  public void onEpoch(TrainingRun run, EpochMetrics metrics) {
    checkpoints.save(metrics.epoch(), fingerprint, run.history(), run.network(), run.optimizer());
  }
}
