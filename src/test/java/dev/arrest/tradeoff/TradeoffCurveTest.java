package dev.arrest.tradeoff;

import static dev.arrest.tradeoff.TestPoints.point;
import static dev.arrest.tradeoff.TestPoints.points;
import static dev.arrest.tradeoff.TestPoints.sampled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TradeoffCurveTest {

  /** y = 150 - 1.2 x on [80, 90], so robust accuracy runs from 54 down to 42. */
  private static final TradeoffCurve LINE =
      TradeoffCurve.fit("line", sampled(x -> 150 - 1.2 * x, 80, 82.5, 85, 87.5, 90), 1);

  private static final TradeoffCurve WRN = ReferenceSets.load("cifar10-linf-8255-wrn34").fitCurve();

  @Test
  void pointsOnTheCurveScoreZeroOnAllThreeQuantities() {
    for (TradeoffCurve curve : List.of(LINE, WRN)) {
      Interval range = curve.standardRange();
      for (double fraction = 0; fraction <= 1; fraction += 0.125) {
        double s = range.from() + fraction * range.width();
        TradeoffScore score = curve.score(s, curve.robustAt(s));
        assertEquals(0, score.signedDistance(), 1e-9, "signed distance at " + s);
        assertEquals(0, score.robustGainAtEqualStandard(), 1e-9, "robust gain at " + s);
        assertEquals(0, score.standardGainAtEqualRobust(), 1e-9, "standard gain at " + s);
        assertEquals(List.of(), score.extrapolated(), "extrapolated at " + s);
      }
    }
  }

  @Test
  void runsAtTheExactEndsOfTheRangeAreNotExtrapolated() {
    // 83.48 and 88.22 are the extreme reference points; (a + b) / 2 +- (b - a) / 2 does not round
    // back.
    // Below the left end and above the right end, the robust accuracy stays in range too.
    double[][] runs = {{83.48, WRN.robustAt(83.48) - 0.5}, {88.22, WRN.robustAt(88.22) + 0.5}};
    for (double[] run : runs) {
      TradeoffScore score = WRN.score(run[0], run[1]);
      assertEquals(List.of(), score.extrapolated(), "at " + run[0]);
      assertEquals(List.of(), score.warnings(), "at " + run[0]);
    }
  }

  @Test
  void pointsAboveScorePositiveAndPointsBelowNegative() {
    double s = 86;
    double onCurve = WRN.robustAt(s);
    TradeoffScore above = WRN.score(s, onCurve + 1.5);
    TradeoffScore below = WRN.score(s, onCurve - 1.5);
    assertTrue(above.signedDistance() > 0);
    assertEquals(1.5, above.robustGainAtEqualStandard(), 1e-12);
    assertTrue(above.standardGainAtEqualRobust() > 0);
    assertTrue(below.signedDistance() < 0);
    assertEquals(-1.5, below.robustGainAtEqualStandard(), 1e-12);
    assertTrue(below.standardGainAtEqualRobust() < 0);
    // Distance never exceeds the vertical gap: the point straight below or above is on the curve.
    assertTrue(above.signedDistance() <= 1.5 && below.signedDistance() >= -1.5);
  }

  @Test
  void distanceToALineIsThePerpendicularDistance() {
    double s = 85;
    double r = 52;
    double vertical = r - (150 - 1.2 * s);
    TradeoffScore score = LINE.score(s, r);
    assertEquals(4, vertical, 1e-12);
    assertEquals(vertical / Math.sqrt(1 + 1.2 * 1.2), score.signedDistance(), 1e-9);
    assertEquals(vertical, score.robustGainAtEqualStandard(), 1e-9);
    assertEquals(vertical / 1.2, score.standardGainAtEqualRobust(), 1e-9);
    assertEquals("line", score.reference());
    assertEquals(1, score.curveDegree());
  }

  @Test
  void distanceToAQuadraticMatchesABruteForceSearch() {
    Interval range = WRN.standardRange();
    double[][] runs = {{85.0, 55.0}, {84.0, 49.0}, {88.0, 51.0}, {83.6, 54.0}, {87.0, 45.0}};
    for (double[] run : runs) {
      double nearest = Double.POSITIVE_INFINITY;
      int samples = 200_000;
      for (int i = 0; i <= samples; i++) {
        double x = range.from() + range.width() * i / samples;
        nearest = Math.min(nearest, Math.hypot(x - run[0], WRN.robustAt(x) - run[1]));
      }
      TradeoffScore score = WRN.score(run[0], run[1]);
      assertEquals(
          nearest, Math.abs(score.signedDistance()), 1e-6, "run " + run[0] + ", " + run[1]);
    }
  }

  @Test
  void curveIsStrictlyDecreasingAndInvertibleIncludingItsExtension() {
    double previous = Double.POSITIVE_INFINITY;
    for (double s = 70; s <= 100; s += 0.25) {
      double r = WRN.robustAt(s);
      assertTrue(r < previous, "not decreasing at " + s);
      assertEquals(s, WRN.standardAt(r), 1e-9, "inverse at " + s);
      previous = r;
    }
  }

  @Test
  void tooFewPointsNameHowManyAreNeededAndGiven() {
    IllegalArgumentException tooFew =
        assertThrows(
            IllegalArgumentException.class,
            () -> TradeoffCurve.fit(points(new double[][] {{84, 55}, {86, 50}}), 2));
    assertTrue(tooFew.getMessage().contains("at least 3 points"), tooFew.getMessage());
    assertTrue(tooFew.getMessage().contains("got 2 distinct among 2 points"), tooFew.getMessage());

    IllegalArgumentException duplicates =
        assertThrows(
            IllegalArgumentException.class,
            () -> TradeoffCurve.fit(points(new double[][] {{84, 55}, {84, 54}, {86, 50}}), 2));
    assertTrue(
        duplicates.getMessage().contains("got 2 distinct among 3 points"), duplicates.getMessage());
  }

  @Test
  void degreeBelowOneIsRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> TradeoffCurve.fit(List.of(point(80, 50)), 0));
  }

  @Test
  void nonMonotoneQuadraticFallsBackToALineAndSaysSo() {
    // Falls steeply, then flattens and turns up: the least-squares parabola rises at the right end.
    List<ReferencePoint> turning =
        points(new double[][] {{80, 60}, {82, 52}, {84, 50}, {86, 49.5}, {88, 49.8}});
    TradeoffCurve curve = TradeoffCurve.fit("turning", turning, 2);

    assertEquals(2, curve.requestedDegree());
    assertEquals(1, curve.degree());
    assertEquals(1, curve.rejectedFits().size());
    assertTrue(
        curve.rejectedFits().get(0).startsWith("degree 2 rejected"), curve.rejectedFits().get(0));
    // The line is the ordinary least-squares line: slope -1.145, through the means (84, 52.26).
    assertEquals(52.26, curve.robustAt(84), 1e-9);
    assertEquals(52.26 - 1.145, curve.robustAt(85), 1e-9);
    TradeoffScore score = curve.score(84, 53);
    assertEquals(1, score.curveDegree());
    assertTrue(
        score.warnings().stream().anyMatch(w -> w.startsWith("reference curve degree 2 rejected")));
    CurveSummary summary = curve.summary();
    assertEquals(2, summary.requestedDegree());
    assertEquals(1, summary.degree());
    assertEquals(curve.rejectedFits(), summary.rejectedFits());
  }

  @Test
  void cubicOnTheWrnReferenceFallsBackToTheQuadratic() {
    TradeoffCurve cubic = ReferenceSets.load("cifar10-linf-8255-wrn34").fitCurve(3);
    assertEquals(2, cubic.degree());
    assertEquals(1, cubic.rejectedFits().size());
    assertEquals(WRN.robustAt(86), cubic.robustAt(86), 1e-9);
  }

  @Test
  void pointsWithoutATradeoffAreRejectedEvenAsALine() {
    List<ReferencePoint> rising = points(new double[][] {{80, 40}, {84, 45}, {88, 52}});
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> TradeoffCurve.fit(rising, 2));
    assertTrue(error.getMessage().contains("no accuracy-robustness tradeoff"), error.getMessage());
    assertTrue(error.getMessage().contains("degree 1 rejected"), error.getMessage());
  }

  @Test
  void standardAccuracyOutsideTheRangeFlagsOnlyTheRobustGain() {
    // s = 91 is right of [80, 90]; r = 50 is within the robust range [42, 54] and the perpendicular
    // from (91, 50) meets the line inside the range.
    TradeoffScore score = LINE.score(91, 50);
    assertEquals(List.of(TradeoffScore.ROBUST_GAIN_AT_EQUAL_STANDARD), score.extrapolated());
    assertEquals(50 - (150 - 1.2 * 91), score.robustGainAtEqualStandard(), 1e-9);
    assertEquals(1, score.warnings().size());
    assertTrue(score.warnings().get(0).contains("91.00 %"), score.warnings().get(0));
    assertTrue(score.warnings().get(0).contains("[80.00, 90.00] %"), score.warnings().get(0));
  }

  @Test
  void robustAccuracyOutsideTheRangeFlagsOnlyTheStandardGain() {
    TradeoffScore score = LINE.score(89, 56);
    assertEquals(List.of(TradeoffScore.STANDARD_GAIN_AT_EQUAL_ROBUST), score.extrapolated());
    assertEquals(89 - (150 - 56) / 1.2, score.standardGainAtEqualRobust(), 1e-9);
    assertTrue(score.warnings().get(0).contains("56.00 %"), score.warnings().get(0));
  }

  @Test
  void runBeyondTheEndOfTheCurveFlagsTheDistanceToo() {
    // Up and left of the curve's left end (80, 54): the nearest point of the segment is that end.
    TradeoffScore score = LINE.score(75, 61);
    assertEquals(
        List.of(
            TradeoffScore.ROBUST_GAIN_AT_EQUAL_STANDARD,
            TradeoffScore.STANDARD_GAIN_AT_EQUAL_ROBUST,
            TradeoffScore.SIGNED_DISTANCE),
        score.extrapolated());
    assertEquals(Math.hypot(75 - 80, 61 - 54), score.signedDistance(), 1e-9);
    assertEquals(1, score.robustGainAtEqualStandard(), 1e-9);
    assertEquals(3, score.warnings().size());
    assertTrue(
        score.warnings().get(2).contains("its end at standard accuracy 80.00 %"),
        score.warnings().get(2));
  }

  @Test
  void runWhosePerpendicularFootIsExactlyAnEndIsNotFlagged() {
    // From the end (90, 42), step along the normal (1.2, 1): the foot of the perpendicular is the
    // end.
    TradeoffScore score = LINE.score(90 + 1.2, 42 + 1);
    assertEquals(List.of(TradeoffScore.ROBUST_GAIN_AT_EQUAL_STANDARD), score.extrapolated());
    assertEquals(Math.hypot(1.2, 1), score.signedDistance(), 1e-9);
  }

  @Test
  void accuraciesOutsideZeroToHundredAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LINE.score(101, 50));
    assertThrows(IllegalArgumentException.class, () -> LINE.score(85, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> point(85, -1));
  }

  @Test
  void wellConditionedAtHigherDegreeOnExactPolynomialData() {
    // An exact decreasing cubic must come back to 1e-9 despite x values near 85.
    TradeoffCurve cubic =
        TradeoffCurve.fit(
            sampled(
                x -> 50 - 2 * (x - 85) - 0.05 * Math.pow(x - 85, 3), 80, 82, 84, 85, 86, 88, 90),
            3);
    assertEquals(3, cubic.degree());
    for (double x = 80; x <= 90; x += 0.5) {
      assertEquals(50 - 2 * (x - 85) - 0.05 * Math.pow(x - 85, 3), cubic.robustAt(x), 1e-9);
    }
  }
}
