package dev.arrest.operator.jobs;

import dev.arrest.api.spec.SweepPoint;
import dev.arrest.results.Stage;

/**
 * What one stage Job runs: a stage of the training itself, or the finetune or evaluate stage of one
 * sweep point.
 *
 * @param stage the stage
 * @param point the sweep point, or null for the training's own stages (a single run's, or a sweep's
 *     pretraining)
 */
public record StageTarget(Stage stage, SweepPoint point) {

  public static StageTarget of(Stage stage) {
    return new StageTarget(stage, null);
  }

  public static StageTarget ofPoint(Stage stage, SweepPoint point) {
    if (stage == Stage.PRETRAIN) {
      throw new IllegalArgumentException("pretraining is shared by every point of a sweep");
    }
    return new StageTarget(stage, point);
  }

  public String jobName(String trainingName) {
    return jobName(trainingName, 0);
  }

  /** The Job of the stage's {@code attempt}-th run (0 the first; each restart is a new Job). */
  public String jobName(String trainingName, int attempt) {
    return StageJobNames.of(trainingName, stage, point == null ? null : point.id(), attempt);
  }

  /**
   * The stage's directory relative to the output directory, e.g. {@code finetune} or {@code
   * points/03-x/finetune}.
   */
  public String directory() {
    return point == null ? stage.toString() : "points/" + point.directoryName() + "/" + stage;
  }

  /**
   * Prefix of Event messages about this stage: empty, or e.g. {@code point 3 (arrest phi=30): }.
   */
  public String eventPrefix() {
    return point == null ? "" : "point " + point.id() + " (" + point.label() + "): ";
  }
}
