package dev.arrest.cli;

import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.stage.RunLayout;
import dev.arrest.trainer.stage.StageContext;
import dev.arrest.trainer.stage.StageExecutor;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resume rule of {@code arrest run}: a stage whose {@code stage-result.json} says Succeeded or
 * Skipped is kept, anything else runs (and an interrupted training stage picks up from its newest
 * checkpoint). The caller has made sure the output directory holds a run of this same spec.
 */
final class ResumableStages {
  private final NDManager manager;
  private final ProgressListener progress;

  ResumableStages(NDManager manager, ProgressListener progress) {
    this.manager = manager;
    this.progress = progress;
  }

  StageResult run(Stage stage, ArrestTraining training, RunLayout layout) {
    StageResult finished = finished(layout, stage);
    if (finished != null) {
      progress.info(
          stage + ": already " + finished.status + " in " + layout.stageResult(stage) + ", kept");
      return finished;
    }
    return StageExecutor.run(stage, new StageContext(training, layout, manager, progress));
  }

  void info(String message) {
    progress.info(message);
  }

  private static StageResult finished(RunLayout layout, Stage stage) {
    Path file = layout.stageResult(stage);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    StageResult result = ResultsJson.read(file, StageResult.class);
    return result.status == StageStatus.SUCCEEDED || result.status == StageStatus.SKIPPED
        ? result
        : null;
  }
}
