package dev.arrest.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.ReferenceFit;
import dev.arrest.api.v1alpha1.TradeoffPointSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.tradeoff.ConfidenceIntervals;
import dev.arrest.tradeoff.ReferencePoint;
import dev.arrest.tradeoff.RunPoint;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffCurve;
import dev.arrest.tradeoff.TradeoffReferences;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepScoringTest {

  /** A reference fitted to the sweep's own at and trades points, with this degree. */
  private static TradeoffSpec ownBaselines(int degree) {
    TradeoffSpec spec = new TradeoffSpec();
    spec.fromSweepMethods = List.of(FinetuningMethod.AT, FinetuningMethod.TRADES);
    spec.degree = degree;
    return spec;
  }

  /** The line r = 190 - 2 s through (90, 10), (80, 30), (70, 50). */
  private static TradeoffSpec inlineLine() {
    TradeoffSpec spec = new TradeoffSpec();
    spec.degree = 1;
    spec.points =
        List.of(
            referencePoint("a", 90, 10), referencePoint("b", 80, 30), referencePoint("c", 70, 50));
    return spec;
  }

  @Test
  void aSweepIsScoredAgainstTheSpecsReferenceCurve() {
    RunResults results =
        results(
            point(0, "arrest phi=30", "arrest", 84, 32, 0.1),
            point(1, "arrest phi=45", "arrest", 87, 25, 0.1));

    SweepScoring.apply(results, inlineLine());

    SweepScore expected =
        SweepScore.compute(
            TradeoffReferences.curve(inlineLine()),
            List.of(new RunPoint("arrest phi=30", 84, 32), new RunPoint("arrest phi=45", 87, 25)));
    assertEquals(expected, results.sweep);
    assertEquals(List.of(), results.warnings);
    assertNull(results.referenceCurve);
    assertNull(results.points.get(0).reference);
  }

  @Test
  void ownBaselinesFormTheReferenceAndTheOtherPointsAreScoredAgainstIt() {
    RunResults results =
        results(
            point(0, "at", "at", 80, 30, 0.1),
            point(1, "trades beta=1", "trades", 85, 22, 0.1),
            point(2, "trades beta=6", "trades", 75, 38, 0.1),
            point(3, "arrest phi=30", "arrest", 84, 30, 0.1),
            point(4, "arrest phi=45", "arrest", 86, 27, 0.1));
    TradeoffSpec own = ownBaselines(1);

    SweepScoring.apply(results, own);

    TradeoffCurve curve =
        TradeoffCurve.fit(
            "sweep:at,trades",
            List.of(
                new ReferencePoint("at", 80, 30, "this sweep, point 0"),
                new ReferencePoint("trades beta=1", 85, 22, "this sweep, point 1"),
                new ReferencePoint("trades beta=6", 75, 38, "this sweep, point 2")),
            1);
    assertEquals(curve.summary(), results.referenceCurve);
    for (int id = 0; id < 3; id++) {
      assertEquals(Boolean.TRUE, results.points.get(id).reference);
      assertNull(
          results.points.get(id).summary.tradeoffScore(),
          "a reference point is not scored against itself");
    }
    assertEquals(curve.score(84, 30), results.points.get(3).summary.tradeoffScore());
    assertEquals(curve.score(86, 27), results.points.get(4).summary.tradeoffScore());
    assertEquals(
        SweepScore.compute(
            curve,
            List.of(new RunPoint("arrest phi=30", 84, 30), new RunPoint("arrest phi=45", 86, 27))),
        results.sweep);
    assertEquals("sweep:at,trades", results.sweep.reference());
  }

  /**
   * The shape of docs/reproduction.md step 5: AT beats TRADES beta=6 on both axes, so no decreasing
   * curve passes through all three baselines; fit: frontier leaves beta=6 out and says so.
   */
  @Test
  void aDominatedOwnBaselineIsLeftOutOfAFrontierFit() {
    TradeoffSpec own = ownBaselines(2);

    RunResults all = dominatedBaselines();
    SweepScoring.apply(all, own);
    assertNull(all.referenceCurve);
    assertNull(all.sweep);
    assertTrue(
        all.warnings
            .get(0)
            .startsWith(
                "the sweep is not scored: its reference points (at, trades beta=6, trades beta=1)"
                    + " give no reference curve: the points show no accuracy-robustness tradeoff"),
        all.warnings.get(0));

    own.fit = ReferenceFit.FRONTIER;
    own.degree = 1;
    RunResults frontier = dominatedBaselines();
    SweepScoring.apply(frontier, own);
    TradeoffCurve line =
        TradeoffCurve.fit(
            "sweep:at,trades",
            List.of(
                new ReferencePoint("at", 84, 78, "this sweep, point 0"),
                new ReferencePoint("trades beta=1", 89, 72, "this sweep, point 2")),
            1);
    assertEquals(2, frontier.referenceCurve.pointCount());
    assertEquals(
        List.of(
            "trades beta=6 (79.00 % / 71.00 %): dominated by at (84.00 % / 78.00 %), trades beta=1"
                + " (89.00 % / 72.00 %)"),
        frontier.referenceCurve.leftOutPoints());
    assertEquals(Boolean.TRUE, frontier.points.get(1).reference, "still a reference point");
    assertNull(frontier.points.get(1).summary.tradeoffScore());
    assertEquals(
        line.score(86, 77).signedDistance(),
        frontier.points.get(3).summary.tradeoffScore().signedDistance(),
        1e-9,
        "scored against the line through at and beta=1");
    assertNotNull(frontier.sweep);
    assertEquals(List.of(), frontier.warnings);
  }

  private static RunResults dominatedBaselines() {
    return results(
        point(0, "at", "at", 84, 78, 0.1),
        point(1, "trades beta=6", "trades", 79, 71, 0.1),
        point(2, "trades beta=1", "trades", 89, 72, 0.1),
        point(3, "arrest phi=30", "arrest", 86, 77, 0.1),
        point(4, "arrest phi=45", "arrest", 88, 74, 0.1));
  }

  @Test
  void whatCannotBeScoredIsLeftOutWithTheReason() {
    RunResults unscored =
        results(point(0, "a", "arrest", 84, 32, 0.1), point(1, "b", "arrest", 87, 25, 0.1));
    SweepScoring.apply(unscored, null);
    assertNull(unscored.sweep);
    assertTrue(
        unscored.warnings.get(0).contains("spec.evaluation.tradeoff is not set"),
        unscored.warnings.get(0));

    RunResults unfinished =
        results(point(0, "a", "arrest", 84, 32, 0.1), point(1, "b", "arrest", 87, 25, 0.1));
    unfinished.points.get(1).stages.remove(Stage.EVALUATE);
    unfinished.points.get(1).summary = null;
    SweepScoring.apply(unfinished, inlineLine());
    assertNull(unfinished.sweep);
    assertEquals(
        List.of("the sweep is not scored: no evaluation of point 1 (b)"), unfinished.warnings);

    RunResults rising =
        results(point(0, "a", "arrest", 84, 25, 0.1), point(1, "b", "arrest", 87, 32, 0.1));
    SweepScoring.apply(rising, inlineLine());
    assertNull(rising.sweep);
    assertTrue(
        rising
            .warnings
            .get(0)
            .startsWith(
                "the sweep is not scored: the points show no accuracy-robustness" + " tradeoff"),
        rising.warnings.get(0));

    RunResults single = results(point(0, "a", "arrest", 84, 32, 0.1));
    SweepScoring.apply(single, inlineLine());
    assertNull(single.sweep);
    assertTrue(single.warnings.get(0).contains("at least 2 scored points"), single.warnings.get(0));
  }

  @Test
  void pointsEvaluatedUnderDifferentBudgetsAreScoredWithAWarning() {
    RunResults results =
        results(
            point(0, "arrest eps=0.05", "arrest", 84, 32, 0.05),
            point(1, "arrest eps=0.1", "arrest", 87, 25, 0.1));
    SweepScoring.apply(results, inlineLine());
    assertNotNull(results.sweep);
    assertEquals(1, results.warnings.size());
    assertTrue(
        results.warnings.get(0).contains("different epsilons (0.05000, 0.1000)"),
        results.warnings.get(0));
  }

  @Test
  void sweepResultsRoundTripThroughJson() {
    RunResults results =
        results(
            point(0, "arrest phi=30", "arrest", 84, 32, 0.1),
            point(1, "arrest phi=45", "arrest", 87, 25, 0.1));
    results.points.get(1).overrides.put("finetuning.noisyReplay.thresholdDegrees", 45.0);
    SweepScoring.apply(results, inlineLine());

    RunResults read = ResultsJson.parse(ResultsJson.toJson(results), RunResults.class);

    assertEquals(results.sweep, read.sweep);
    assertEquals(2, read.points.size());
    assertEquals("arrest phi=45", read.points.get(1).label);
    assertEquals("points/01-arrest-phi-45", read.points.get(1).directory);
    assertEquals(45.0, read.points.get(1).overrides.get("finetuning.noisyReplay.thresholdDegrees"));
    assertEquals(results.points.get(1).summary, read.points.get(1).summary);
    assertEquals(0.87, read.points.get(1).stages.get(Stage.EVALUATE).evaluation.standardAccuracy());
  }

  @Test
  void pointsInThePlaneCarryTheWilsonIntervalsOfTheirSampleSize() {
    PointResults at = point(0, "at", "at", 80, 30, 0.1);
    PointResults arrest = point(1, "arrest phi=30", "arrest", 84, 32, 0.1);

    RunPoint run = SweepScoring.runPoints(List.of(arrest)).get(0);
    ReferencePoint reference = SweepScoring.ownReferencePoints(List.of(at)).get(0);

    assertEquals(ConfidenceIntervals.wilson(84, 32, 100), run.intervals(), "100 test images");
    assertEquals(ConfidenceIntervals.wilson(80, 30, 100), reference.intervals());
  }

  private static RunResults results(PointResults... points) {
    RunResults results = new RunResults();
    results.name = "sweep";
    results.points = new ArrayList<>(List.of(points));
    return results;
  }

  /** An evaluated point at (standard, robust) percent, under one PGD attack of the given budget. */
  private static PointResults point(
      int id, String label, String method, double standard, double robust, double epsilon) {
    PointResults point = new PointResults();
    point.id = id;
    point.label = label;
    point.method = method;
    point.directory =
        String.format("points/%02d-%s", id, label.replace(' ', '-').replace("=", "-"));
    StageResult evaluate = new StageResult();
    evaluate.stage = Stage.EVALUATE;
    evaluate.status = StageStatus.SUCCEEDED;
    evaluate.evaluation =
        new EvaluationResult(
            100,
            standard / 100,
            robust / 100,
            List.of(
                new AttackResult("pgd-20", "pgd", "linf", epsilon, 20, null, 1, robust / 100, 1.0)),
            List.of());
    point.put(evaluate);
    return point;
  }

  private static TradeoffPointSpec referencePoint(String method, double standard, double robust) {
    TradeoffPointSpec point = new TradeoffPointSpec();
    point.method = method;
    point.standardAccuracy = standard;
    point.robustAccuracy = robust;
    point.source = "made up for this test";
    return point;
  }
}
