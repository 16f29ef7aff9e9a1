package dev.arrest.cli;

import dev.arrest.api.spec.SweepPoint;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.PointResults;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.SweepScoring;
import dev.arrest.trainer.stage.RunLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code arrest run} on a sweep: the shared pretraining once, then each point's finetune and
 * evaluate in id order, then the sweep's score. A failed point does not stop the others; the run
 * then exits 1 after scoring what it can.
 */
final class SweepRun {
  private SweepRun() {}

  /**
   * Runs (or resumes) the sweep, keeping {@code results.json} current after every stage; returns
   * the exit code.
   */
  static int run(
      ArrestTraining training, RunLayout layout, ResumableStages stages, RunResults results) {
    List<SweepPoint> points = SweepPoints.expand(training);
    results.points = new ArrayList<>();
    for (SweepPoint point : points) {
      results.points.add(describe(point, layout));
    }
    StageResult pretrain = stages.run(Stage.PRETRAIN, training, layout);
    results.put(pretrain);
    ResultsJson.write(layout.resultsFile(), results);
    if (pretrain.status == StageStatus.FAILED) {
      System.err.println("pretrain failed: " + pretrain.message);
      return 1;
    }
    boolean anyFailed = false;
    for (SweepPoint point : points) {
      PointResults pointResults = results.points.get(point.id());
      stages.info("Sweep point " + (point.id() + 1) + "/" + points.size() + ": " + point.label());
      for (Stage stage : List.of(Stage.FINETUNE, Stage.EVALUATE)) {
        StageResult result = stages.run(stage, point.training(), layout.forPoint(point));
        pointResults.put(result);
        ResultsJson.write(layout.resultsFile(), results);
        if (result.status == StageStatus.FAILED) {
          System.err.println(point.label() + ": " + stage + " failed: " + result.message);
          anyFailed = true;
          break;
        }
      }
    }
    SweepScoring.apply(results, training.getSpec().evaluation.tradeoff);
    ResultsJson.write(layout.resultsFile(), results);
    return anyFailed ? 1 : 0;
  }

  private static PointResults describe(SweepPoint point, RunLayout layout) {
    PointResults results = new PointResults();
    results.id = point.id();
    results.label = point.label();
    results.directory = layout.relative(layout.forPoint(point).stagesRoot());
    results.method = point.method().toString();
    results.overrides.putAll(point.overrides());
    return results;
  }
}
