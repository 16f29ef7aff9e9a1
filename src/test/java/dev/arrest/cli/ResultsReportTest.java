package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.results.AttackResult;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.PointResults;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.TestSubset;
import dev.arrest.tradeoff.TradeoffScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsReportTest {

  private static PointResults point(
      int id, String label, double standard, double pgd, double[] autoAttack, Double score) {
    List<AttackResult> attacks =
        List.of(
            new AttackResult("pgd-20", "pgd", "linf", 0.1, 20, 0.0125, 1, pgd, 1.0),
            new AttackResult(
                "autoattack-standard/apgd-ce",
                "apgd-ce",
                "linf",
                0.1,
                100,
                null,
                1,
                autoAttack[0],
                4),
            new AttackResult(
                "autoattack-standard/square",
                "square",
                "linf",
                0.1,
                5000,
                null,
                1,
                autoAttack[1],
                80));
    EvaluationResult evaluation =
        new EvaluationResult(200, standard, Math.min(pgd, autoAttack[1]), attacks, List.of());
    StageResult evaluate = new StageResult();
    evaluate.stage = Stage.EVALUATE;
    evaluate.evaluation = evaluation;
    StageResult finetune = new StageResult();
    finetune.stage = Stage.FINETUNE;
    // Resumed after epoch 1: the stage's own seconds are those of epoch 2's run only.
    finetune.seconds = 75.0;
    finetune.epochs.add(
        new EpochMetrics(1, 0, 1.3, 0.9, 0.1, null, 0.04, 0.8, 0.6, 30000, 65, 460));
    finetune.epochs.add(
        new EpochMetrics(2, 0, 1.2, 0.8, 0.1, null, 0.036, 0.83, 0.67, 30000, 60, 500));
    PointResults point = new PointResults();
    point.id = id;
    point.label = label;
    point.stages.put(Stage.FINETUNE, finetune);
    point.stages.put(Stage.EVALUATE, evaluate);
    RunResults.Summary summary = RunResults.Summary.of(evaluation);
    if (score != null) {
      summary =
          summary.withTradeoffScore(
              new TradeoffScore(
                  score,
                  2 * score,
                  3 * score,
                  "sweep:at",
                  1,
                  List.of(TradeoffScore.STANDARD_GAIN_AT_EQUAL_ROBUST),
                  List.of()));
    } else {
      point.reference = true;
    }
    point.summary = summary;
    return point;
  }

  @Test
  void aSweepBecomesOneRowPerPointWithTheEnsembleAsOneColumn() {
    RunResults results = new RunResults();
    results.name = "sweep";
    results.points =
        List.of(
            point(0, "at", 0.83, 0.715, new double[] {0.70, 0.69}, null),
            point(1, "arrest phi=30", 0.845, 0.61, new double[] {0.585, 0.565}, 1.5));

    String report = ResultsReport.render(results);

    String[] lines = report.split("\n");
    assertEquals(
        "| id | run | standard | pgd-20 | autoattack-standard | robust (worst case) | score (pp) |"
            + " robust gain (pp) | standard gain (pp) | NR rate (last epoch) | finetune time |",
        lines[0]);
    assertTrue(lines[1].startsWith("| --- |"), lines[1]);
    assertTrue(
        lines[2].startsWith(
            "| 0 | at | 83.0 % (77.2–87.6) | 71.5 % | 69.0 % | 69.0 % (62.3–75.0) |"
                + " reference |  |  | 3.6 % | 2 min 05 s |"),
        "finetune time sums the epochs of every run of the stage: " + lines[2]);
    assertTrue(
        lines[3].contains("| 56.5 % | 56.5 % (49.6–63.2) | +1.50 | +3.00 | +4.50 * |"),
        "extrapolated values are marked: " + lines[3]);
    assertTrue(report.contains("Accuracies on 200 test images"), report);
    assertTrue(report.contains("Finetune time: the training seconds of its epochs"), report);
  }

  @Test
  void aSingleRunNamesAwpAndWhichTestImagesWereEvaluated() {
    RunResults results = new RunResults();
    results.name = "run";
    results.method = "arrest";
    StageResult finetune = new StageResult();
    finetune.stage = Stage.FINETUNE;
    finetune.epochs.add(
        new EpochMetrics(1, 0, 1.3, 0.9, 0.1, null, 0.04, 0.8, 0.6, 30000, 60, 500, null));
    finetune.epochs.add(
        new EpochMetrics(2, 0, 1.2, 0.8, 0.1, null, 0.036, 0.83, 0.67, 30000, 60, 500, 0.005));
    StageResult evaluate = new StageResult();
    evaluate.stage = Stage.EVALUATE;
    evaluate.evaluation =
        new EvaluationResult(1000, 0.8, 0.6, List.of(), List.of())
            .withSubset(new TestSubset(TestSubset.STRATIFIED, 10000, 0L));
    results.put(finetune);
    results.put(evaluate);

    String report = ResultsReport.render(results);

    assertTrue(report.contains("| - | run (arrest+awp) | 80.0 % (77.4–82.4) |"), report);
    assertTrue(
        report.contains(
            "Accuracies on 1000 test images (a class-stratified random sample of 10000, seed 0);"),
        report);
  }
}
