package dev.arrest.tradeoff;

import static dev.arrest.tradeoff.TestPoints.runs;
import static dev.arrest.tradeoff.TestPoints.sampled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SweepScoreTest {

  /**
   * y = 150 - 1.2 x on [80, 90]; fitted with the default degree, which comes back as the same line.
   */
  private static final TradeoffCurve LINE =
      TradeoffCurve.fit("line", sampled(x -> 150 - 1.2 * x, 80, 82.5, 85, 87.5, 90), 2);

  private static final TradeoffCurve WRN = ReferenceSets.load("cifar10-linf-8255-wrn34").fitCurve();

  @Test
  void gapBetweenParallelLinesIsTheirVerticalOffset() {
    SweepScore score = SweepScore.compute(LINE, runs(x -> 153 - 1.2 * x, 82, 86, 88));

    assertEquals(3, score.meanRobustGain(), 1e-9);
    // At slope -1.2 a vertical offset of 3 is a horizontal offset of 2.5.
    assertEquals(2.5, score.meanStandardGain(), 1e-9);
    assertEquals(new Interval(82, 88), score.standardOverlap());
    assertEquals(3, score.runCount());
    assertEquals("line", score.reference());
  }

  @Test
  void twoRunsGiveALine() {
    SweepScore score = SweepScore.compute(WRN, runs(x -> WRN.robustAt(x) + 1, 84, 87));
    assertEquals(1, score.runsCurveDegree());
  }

  @Test
  void runsOnTheShiftedReferenceQuadraticGainTheShift() {
    // Three runs determine a quadratic, which is the reference curve moved up by 2.
    SweepScore score = SweepScore.compute(WRN, runs(x -> WRN.robustAt(x) + 2, 84, 86, 88));
    assertEquals(2, score.runsCurveDegree());
    assertEquals(2, score.meanRobustGain(), 1e-9);
    assertEquals(new Interval(84, 88), score.standardOverlap());
  }

  @Test
  void meanStandardGainMatchesANumericalIntegralOfTheInverseCurves() {
    List<RunPoint> runs = runs(x -> WRN.robustAt(x) + 2, 84, 86, 88);
    SweepScore score = SweepScore.compute(WRN, runs);
    TradeoffCurve runsCurve =
        TradeoffCurve.fit(
            runs.stream()
                .map(
                    run ->
                        new ReferencePoint(
                            run.label(), run.standardAccuracy(), run.robustAccuracy(), "run"))
                .toList(),
            2);

    Interval overlap = score.robustOverlap();
    int steps = 20_000;
    double sum = 0;
    for (int i = 0; i < steps; i++) {
      double y = overlap.from() + overlap.width() * (i + 0.5) / steps;
      sum += runsCurve.standardAt(y) - WRN.standardAt(y);
    }
    assertEquals(sum / steps, score.meanStandardGain(), 1e-6);
    assertTrue(score.meanStandardGain() > 0);
  }

  @Test
  void worseRunsHaveNegativeGaps() {
    SweepScore score = SweepScore.compute(LINE, runs(x -> 146 - 1.2 * x, 81, 89));
    assertEquals(-4, score.meanRobustGain(), 1e-9);
    assertEquals(-4 / 1.2, score.meanStandardGain(), 1e-9);
  }

  @Test
  void noStandardOverlapNamesBothIntervals() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> SweepScore.compute(LINE, runs(x -> 150 - 1.2 * x, 91, 95)));
    assertTrue(error.getMessage().contains("[91.00, 95.00] %"), error.getMessage());
    assertTrue(error.getMessage().contains("[80.00, 90.00] %"), error.getMessage());
    assertTrue(error.getMessage().contains("'line'"), error.getMessage());
  }

  @Test
  void noRobustOverlapLeavesTheStandardGainUndefinedWithAWarning() {
    // Runs far above the reference: their robust accuracies [69.2, 71.6] miss the reference's [42,
    // 54].
    SweepScore score = SweepScore.compute(LINE, runs(x -> 170 - 1.2 * x, 82, 84));
    assertEquals(20, score.meanRobustGain(), 1e-9);
    assertNull(score.meanStandardGain());
    assertNull(score.robustOverlap());
    assertTrue(
        score.warnings().get(0).startsWith("meanStandardGain is undefined"),
        score.warnings().get(0));
  }

  @Test
  void aSweepNeedsTwoDistinctStandardAccuracies() {
    IllegalArgumentException one =
        assertThrows(
            IllegalArgumentException.class, () -> SweepScore.compute(LINE, runs(x -> 50, 85)));
    assertTrue(one.getMessage().contains("got 1 distinct among 1 runs"), one.getMessage());
    IllegalArgumentException same =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SweepScore.compute(
                    LINE, List.of(new RunPoint("a", 85, 50), new RunPoint("b", 85, 51))));
    assertTrue(same.getMessage().contains("got 1 distinct among 2 runs"), same.getMessage());
  }

  @Test
  void runsThatTraceNoTradeoffAreRejected() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> SweepScore.compute(LINE, runs(x -> x - 30, 84, 88)));
    assertTrue(error.getMessage().contains("no accuracy-robustness tradeoff"), error.getMessage());
  }
}
