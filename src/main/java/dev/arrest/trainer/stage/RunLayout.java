package dev.arrest.trainer.stage;

import dev.arrest.api.spec.SweepPoint;
import dev.arrest.results.Stage;
import java.nio.file.Path;

/**
 * Where a training's files live under its output directory. The local run and the trainer pods use
 * the same layout, so a stage finds its predecessor's model whichever ran it.
 *
 * <pre>
 * OUTPUT/spec.yaml                      the document as run
 * OUTPUT/results.json                   all stages (local run)
 * OUTPUT/STAGE/stage-result.json        one stage's result
 * OUTPUT/STAGE/epochs.csv               per-epoch metrics (training stages)
 * OUTPUT/STAGE/model.params             the trained model (training stages)
 * OUTPUT/STAGE/checkpoints/epoch-NNNN/  resumable per-epoch checkpoints
 * OUTPUT/points/NN-SLUG/STAGE/...       a sweep point's finetune and evaluate, laid out as above
 * </pre>
 *
 * A sweep point's layout ({@link #forPoint}) keeps the root, so it shares the sweep's pretrain
 * stage, its spec and its results file; only its finetune and evaluate stages live under the
 * point's directory.
 *
 * @param root the output directory
 * @param stagesRoot where the finetune and evaluate stages live: the root, or a sweep point's
 *     directory
 */
public record RunLayout(Path root, Path stagesRoot) {

  public RunLayout(Path root) {
    this(root, root);
  }

  /** The layout of one point of a sweep written under this root. */
  public RunLayout forPoint(SweepPoint point) {
    return new RunLayout(root, pointsDirectory().resolve(point.directoryName()));
  }

  public Path pointsDirectory() {
    return root.resolve("points");
  }

  public Path specFile() {
    return root.resolve("spec.yaml");
  }

  public Path resultsFile() {
    return root.resolve("results.json");
  }

  public Path plotsDirectory() {
    return root.resolve("plots");
  }

  /** Pretraining is shared by every point of a sweep, so it always lives at the root. */
  public Path stageDirectory(Stage stage) {
    return (stage == Stage.PRETRAIN ? root : stagesRoot).resolve(stage.toString());
  }

  public Path stageResult(Stage stage) {
    return stageDirectory(stage).resolve("stage-result.json");
  }

  public Path epochLog(Stage stage) {
    return stageDirectory(stage).resolve("epochs.csv");
  }

  public Path model(Stage stage) {
    return stageDirectory(stage).resolve("model.params");
  }

  public Path checkpoints(Stage stage) {
    return stageDirectory(stage).resolve("checkpoints");
  }

  /** A path as recorded in results: relative to the output directory when inside it. */
  public String relative(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path base = root.toAbsolutePath().normalize();
    return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
  }
}
