package dev.arrest.cli;

import static dev.arrest.cli.CliFixture.cli;
import static dev.arrest.cli.EvaluatedStages.evaluate;
import static dev.arrest.cli.EvaluatedStages.evaluation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EpochTest;
import dev.arrest.results.PairedComparison;
import dev.arrest.results.PointResults;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TestSubset;
import dev.arrest.tradeoff.TradeoffScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
  private static final TestSubset ALL = new TestSubset(TestSubset.ALL, 10000, null);

  @TempDir Path dir;

  /** A sweep point; evaluated on all 10 000 test images unless standard is null. */
  private static PointResults point(String label, String method, Double standard, double robust) {
    PointResults point = new PointResults();
    point.label = label;
    point.method = method;
    point.directory = "points/" + label.replace(' ', '-');
    if (standard != null) {
      point.put(evaluate(evaluation(10000, ALL, standard, robust)));
    }
    return point;
  }

  private Path sweep(String name, String dataset, PointResults... points) {
    RunResults results = new RunResults();
    results.name = name;
    results.dataset = dataset;
    results.architecture = "small-cnn";
    results.points = new ArrayList<>(List.of(points));
    for (int i = 0; i < points.length; i++) {
      points[i].id = i;
    }
    return write(name, results);
  }

  private Path write(String name, RunResults results) {
    Path run = dir.resolve(name);
    ResultsJson.write(run.resolve("results.json"), results);
    return run;
  }

  /** From-scratch baselines on the line standard + robust = 155 (percent), and finetuned runs. */
  private List<Path> study() {
    Path scratch =
        sweep(
            "scratch",
            "fashion-mnist",
            point("at", "at", 0.85, 0.70),
            point("trades beta=6", "trades", 0.80, 0.75),
            point("trades beta=1", "trades", 0.90, 0.65));
    PointResults stale = point("arrest phi=30", "arrest", 0.89, 0.69);
    stale.summary =
        stale.summary.withTradeoffScore(
            new TradeoffScore(9, 9, 9, "sweep:at", 1, List.of(), List.of()));
    StageResult training = new StageResult();
    training.stage = Stage.FINETUNE;
    for (int epoch = 1; epoch <= 2; epoch++) {
      training.epochs.add(
          new EpochMetrics(
              epoch,
              0.01,
              1.0,
              1.0,
              null,
              null,
              null,
              0.8,
              0.6,
              60000,
              500,
              120,
              null,
              new EpochTest(1000, 0.84, 0.60 + 0.05 * epoch, "pgd-10", 9)));
    }
    stale.stages.put(Stage.FINETUNE, training);
    PointResults diverged = point("arrest phi=90", "arrest", null, 0);
    StageResult failure = new StageResult();
    failure.stage = Stage.FINETUNE;
    failure.status = StageStatus.FAILED;
    failure.message = "finetune loss became NaN at epoch 3, batch 7";
    diverged.stages.put(Stage.FINETUNE, failure);
    Path finetuned =
        sweep(
            "finetune-10",
            "fashion-mnist",
            point("aft", "aft", 0.86, 0.68),
            stale,
            point("arrest phi=45", "arrest", 0.87, 0.71),
            point("arrest phi=60", "arrest", null, 0),
            diverged);
    RunResults single = new RunResults();
    single.name = "reproduction-arrest-awp";
    single.method = "arrest";
    single.dataset = "fashion-mnist";
    single.architecture = "small-cnn";
    single.put(evaluate(evaluation(10000, ALL, 0.88, 0.72)));
    return List.of(scratch, finetuned, write("arrest-awp-10", single));
  }

  @Test
  void pointsOfSeveralRunsAreScoredAgainstTheCurveOfTheReferenceMethodsAcrossThem()
      throws Exception {
    List<Path> runs = study();
    Path output = dir.resolve("comparison");
    List<String> args =
        new ArrayList<>(
            List.of(
                "compare",
                "--reference-methods",
                "at,trades",
                "--degree",
                "1",
                "--sweep-points",
                "finetune-10/arrest phi=.*",
                "--pair",
                "finetune-10/aft",
                "scratch/at",
                "--pair",
                "finetune-10/arrest phi=60",
                "scratch/at",
                "--pair",
                "finetune-10/arrest phi=90",
                "scratch/at",
                "-o",
                output.toString()));
    runs.forEach(run -> args.add(run.toString()));

    assertEquals(0, cli(args.toArray(String[]::new)));

    RunResults combined = ResultsJson.read(output.resolve("results.json"), RunResults.class);
    Map<String, PointResults> byLabel =
        combined.points.stream().collect(Collectors.toMap(p -> p.label, p -> p));
    assertEquals(
        List.of(
            "scratch/at",
            "scratch/trades beta=6",
            "scratch/trades beta=1",
            "finetune-10/aft",
            "finetune-10/arrest phi=30",
            "finetune-10/arrest phi=45",
            "arrest-awp-10"),
        combined.points.stream().map(p -> p.label).toList());
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), combined.points.stream().map(p -> p.id).toList());
    assertTrue(
        combined.warnings.contains("left out, not evaluated yet: finetune-10/arrest phi=60"),
        combined.warnings.toString());
    assertTrue(
        combined.warnings.contains(
            "left out, failed: finetune-10/arrest phi=90 (finetune: finetune loss became NaN at"
                + " epoch 3, batch 7)"),
        combined.warnings.toString());
    assertTrue(
        combined.warnings.contains(
            "cannot pair finetune-10/arrest phi=90 with scratch/at: finetune-10/arrest phi=90"
                + " failed"),
        combined.warnings.toString());
    for (String reference :
        List.of("scratch/at", "scratch/trades beta=6", "scratch/trades beta=1")) {
      assertEquals(Boolean.TRUE, byLabel.get(reference).reference, reference);
      assertNull(byLabel.get(reference).summary.tradeoffScore(), reference);
    }
    assertNotNull(combined.referenceCurve);
    // On the line s + r = 155: the single run (88 %, 72 %) is 5 pp above it on either axis, at a
    // signed distance of 5 / sqrt(2); a point of another run is rescored, not left with its old
    // score.
    TradeoffScore awp = byLabel.get("arrest-awp-10").summary.tradeoffScore();
    assertEquals(5.0, awp.robustGainAtEqualStandard(), 1e-6);
    assertEquals(5.0, awp.standardGainAtEqualRobust(), 1e-6);
    assertEquals(5 / Math.sqrt(2), awp.signedDistance(), 1e-6);
    TradeoffScore phi30 = byLabel.get("finetune-10/arrest phi=30").summary.tradeoffScore();
    assertEquals(3.0, phi30.robustGainAtEqualStandard(), 1e-6);
    assertEquals(
        -1.0,
        byLabel.get("finetune-10/aft").summary.tradeoffScore().robustGainAtEqualStandard(),
        1e-6);
    // The sweep score covers the two arrest points of finetune-10 only.
    assertNotNull(combined.sweep, combined.warnings.toString());
    assertEquals(2, combined.sweep.runCount());
    assertTrue(Files.isRegularFile(output.resolve("plots/tradeoff-plane.png")));
    assertTrue(Files.isRegularFile(output.resolve("plots/tradeoff-plane.svg")));
    String curves = Files.readString(output.resolve("plots/points-finetune-curves.svg"));
    assertTrue(
        curves.contains("Test robust accuracy (%), 1000 images, pgd-10")
            && curves.contains("finetune-10/arrest phi=30"),
        "the points' test curves side by side");
    String report = Files.readString(output.resolve("report.md"));
    // aft got 100 more images right clean (86 % vs 85 % of 10 000) and 200 fewer under attack.
    assertEquals(1, combined.pairs.size());
    assertTrue(
        combined.warnings.contains(
            "cannot pair finetune-10/arrest phi=60 with scratch/at yet: finetune-10/arrest phi=60"
                + " not evaluated"),
        combined.warnings.toString());
    PairedComparison pair = combined.pairs.get(0);
    assertEquals("finetune-10/aft", pair.first());
    assertEquals("scratch/at", pair.second());
    assertEquals(1.0, pair.standard().difference(), 1e-9);
    assertEquals(100, pair.standard().onlyFirst());
    assertEquals(0, pair.standard().onlySecond());
    assertTrue(pair.standard().decided());
    assertEquals(-2.0, pair.robust().difference(), 1e-9);
    assertEquals(200, pair.robust().onlySecond());
    assertTrue(pair.robust().interval().to() < 0);
    assertTrue(
        report.contains("| finetune-10/aft | scratch/at | +1.00 pp [+0.")
            && report.contains("Paired differences"),
        report);
    assertTrue(report.contains("| arrest-awp-10 |"), report);
    assertTrue(report.contains("| finetune-10/arrest phi=45 |"), report);
  }

  @Test
  void pointsEvaluatedDifferentlyAreComparedWithAWarning() throws Exception {
    Path scratch = sweep("scratch", "fashion-mnist", point("at", "at", 0.85, 0.70));
    RunResults single = new RunResults();
    single.name = "aft";
    single.method = "aft";
    single.dataset = "fashion-mnist";
    single.put(
        evaluate(evaluation(1000, new TestSubset(TestSubset.STRATIFIED, 10000, 0L), 0.86, 0.68)));
    Path aft = write("aft", single);
    Path output = dir.resolve("comparison");

    assertEquals(
        0,
        cli(
            "compare",
            "-o",
            output.toString(),
            "--pair",
            "aft",
            "scratch/at",
            scratch.toString(),
            aft.toString()));

    RunResults combined = ResultsJson.read(output.resolve("results.json"), RunResults.class);
    assertTrue(
        combined.warnings.stream()
            .anyMatch(
                w ->
                    w.startsWith("the points were not evaluated alike (10000 test images (all")
                        && w.contains("1000 test images (a class-stratified random sample")),
        combined.warnings.toString());
    assertTrue(
        combined.warnings.contains(
            "cannot pair aft with scratch/at: they were not evaluated on the same test images"),
        combined.warnings.toString());
    assertNull(combined.pairs);
    assertTrue(
        combined.warnings.stream()
            .anyMatch(w -> w.startsWith("nothing is scored: no reference methods")),
        "without --reference-methods nothing is scored, and the results say so: "
            + combined.warnings);
    assertTrue(
        Files.readString(output.resolve("report.md"))
            .contains(
                "Accuracies on different test images per row (10000 test images (all 10000);"
                    + " 1000 test images (a class-stratified"),
        "the report does not claim one sample size for all rows");
  }

  @Test
  void manyPointsAreLabelledByTheirIdsInThePlane() throws Exception {
    List<PointResults> points = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      points.add(point("trades beta=" + (i + 1), "trades", 0.80 + 0.01 * i, 0.76 - 0.01 * i));
    }
    Path many = sweep("many", "fashion-mnist", points.toArray(PointResults[]::new));
    Path output = dir.resolve("comparison");

    assertEquals(0, cli("compare", "-o", output.toString(), many.toString()));

    String plane = Files.readString(output.resolve("plots/tradeoff-plane.svg"));
    assertFalse(plane.contains("many/trades beta=1"), "no names in the plane");
    assertTrue(
        Files.readString(output.resolve("report.md"))
            .contains("The plane (plots/tradeoff-plane) labels the points by their id"));
  }

  @Test
  void runsOfDifferentDatasetsOrWithTheSameNameAreRefused() {
    Path fashion = sweep("scratch", "fashion-mnist", point("at", "at", 0.85, 0.70));
    Path cifar = sweep("cifar", "cifar10", point("at", "at", 0.85, 0.50));
    Path output = dir.resolve("comparison");

    assertEquals(2, cli("compare", "-o", output.toString(), fashion.toString(), cifar.toString()));
    assertEquals(
        2,
        cli(
            "compare",
            "-o",
            output.toString(),
            fashion.toString(),
            fashion.resolve("results.json").toString()));
    assertEquals(
        2,
        cli("compare", "-o", output.toString(), "--pair", "at", "nothing", fashion.toString()),
        "a pair names a point that does not exist");
    assertTrue(Files.notExists(output.resolve("results.json")));
  }

  /**
   * The shape of docs/reproduction.md step 5 with TRADES beta=3: the three frontier points bend the
   * wrong way for a decreasing quadratic, so the fit falls back to a line and the report says why.
   */
  @Test
  void theReportNamesADegreeTheFitRejected() throws Exception {
    Path scratch =
        sweep(
            "scratch",
            "fashion-mnist",
            point("at", "at", 0.8485, 0.7803),
            point("trades beta=3", "trades", 0.8534, 0.7472),
            point("trades beta=1", "trades", 0.8824, 0.7396));
    Path out = dir.resolve("compared");

    assertEquals(
        0,
        cli(
            "compare",
            "--reference-methods",
            "at,trades",
            "--degree",
            "2",
            "-o",
            out.toString(),
            scratch.toString()));

    RunResults results = ResultsJson.read(out.resolve("results.json"), RunResults.class);
    assertEquals(2, results.referenceCurve.requestedDegree());
    assertEquals(1, results.referenceCurve.degree());
    String report = Files.readString(out.resolve("report.md"));
    assertTrue(
        report.contains("degree 1 fitted to 3 points")
            && report.contains(
                "\n- degree 2 rejected: its slope reaches +5.292 pp per pp at standard accuracy"
                    + " 88.24 %\n"),
        report);
  }

  /**
   * The shape run.sh met (docs/reproduction.md step 5): AT beats TRADES beta=6 on both axes, so the
   * three baselines trace no decreasing curve unless the dominated one is left out.
   */
  @Test
  void aFrontierFitLeavesOutADominatedBaselineAndTheReportSaysWhich() throws Exception {
    Path scratch =
        sweep(
            "scratch",
            "fashion-mnist",
            point("at", "at", 0.85, 0.78),
            point("trades beta=6", "trades", 0.79, 0.71),
            point("trades beta=1", "trades", 0.89, 0.72));
    Path finetuned =
        sweep(
            "finetune",
            "fashion-mnist",
            point("arrest phi=30", "arrest", 0.86, 0.77),
            point("arrest phi=45", "arrest", 0.88, 0.74));
    Path all = dir.resolve("all");
    Path frontier = dir.resolve("frontier");

    assertEquals(
        0,
        cli(
            "compare",
            "--reference-methods",
            "at,trades",
            "-o",
            all.toString(),
            scratch.toString(),
            finetuned.toString()));
    assertEquals(
        0,
        cli(
            "compare",
            "--reference-methods",
            "at,trades",
            "--reference-fit",
            "frontier",
            "--degree",
            "1",
            "-o",
            frontier.toString(),
            scratch.toString(),
            finetuned.toString()));

    RunResults unfitted = ResultsJson.read(all.resolve("results.json"), RunResults.class);
    assertNull(unfitted.referenceCurve, "all three: no decreasing curve");
    assertTrue(
        unfitted.warnings.stream().anyMatch(w -> w.contains("no accuracy-robustness tradeoff")),
        unfitted.warnings.toString());
    RunResults fitted = ResultsJson.read(frontier.resolve("results.json"), RunResults.class);
    assertNotNull(fitted.referenceCurve, fitted.warnings.toString());
    assertEquals(2, fitted.referenceCurve.pointCount());
    assertEquals(
        List.of(
            "scratch/trades beta=6 (79.00 % / 71.00 %): dominated by scratch/at (85.00 % / 78.00"
                + " %), scratch/trades beta=1 (89.00 % / 72.00 %)"),
        fitted.referenceCurve.leftOutPoints());
    assertNotNull(fitted.sweep, fitted.warnings.toString());
    assertTrue(
        Files.readString(frontier.resolve("report.md"))
            .contains(
                "- not fitted: scratch/trades beta=6 (79.00 % / 71.00 %): dominated by scratch/at"),
        "the report names the point left out");
    String plane = Files.readString(frontier.resolve("plots/tradeoff-plane.svg"));
    assertTrue(
        plane.contains("scratch/trades beta=6 (not fitted)")
            && !plane.contains("scratch/at (not fitted)"),
        "the plane marks the point the curve does not follow");

    assertEquals(
        2,
        cli(
            "compare",
            "--reference-methods",
            "at,trades",
            "--reference-fit",
            "pareto",
            "-o",
            dir.resolve("refused").toString(),
            scratch.toString()),
        "an unknown fit is a usage error");
  }
}
