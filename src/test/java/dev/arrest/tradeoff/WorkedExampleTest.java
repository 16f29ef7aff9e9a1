package dev.arrest.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked example of docs/tradeoff-score.md, number for number. */
class WorkedExampleTest {

  private static final List<ReferencePoint> POINTS =
      List.of(
          new ReferencePoint("A", 82, 58, "example"),
          new ReferencePoint("B", 84, 55, "example"),
          new ReferencePoint("C", 86, 53, "example"),
          new ReferencePoint("D", 88, 50, "example"));

  private static final TradeoffCurve CURVE = TradeoffCurve.fit("worked-example", POINTS, 1);

  @Test
  void curveIsTheLeastSquaresLine() {
    // r = 54 - 1.3 (s - 85): means (85, 54), Sxy = -26, Sxx = 20.
    assertEquals(54, CURVE.robustAt(85), 1e-12);
    assertEquals(54 - 1.3 * 3, CURVE.robustAt(88), 1e-12);
    assertEquals(new Interval(82, 88), CURVE.standardRange());
    assertEquals(57.9, CURVE.robustRange().to(), 1e-12);
    assertEquals(50.1, CURVE.robustRange().from(), 1e-12);
    CurveSummary summary = CURVE.summary();
    assertEquals(85, summary.center(), 1e-12);
    assertEquals(3, summary.halfWidth(), 1e-12);
    assertEquals(54, summary.coefficients().get(0), 1e-12);
    assertEquals(-3.9, summary.coefficients().get(1), 1e-12);
    assertEquals(Math.sqrt(0.05), summary.rmsResidual(), 1e-12);
  }

  @Test
  void runInsideTheRange() {
    TradeoffScore score = CURVE.score(86, 54);
    assertEquals(1.3 / Math.sqrt(2.69), score.signedDistance(), 1e-9);
    assertEquals(0.792624, score.signedDistance(), 5e-7);
    assertEquals(1.3, score.robustGainAtEqualStandard(), 1e-9);
    assertEquals(1.0, score.standardGainAtEqualRobust(), 1e-9);
    assertEquals(List.of(), score.extrapolated());
    assertEquals(List.of(), score.warnings());
  }

  @Test
  void runBeyondTheStandardRange() {
    TradeoffScore score = CURVE.score(89, 51);
    assertEquals(2.2 / Math.sqrt(2.69), score.signedDistance(), 1e-9);
    assertEquals(1.341364, score.signedDistance(), 5e-7);
    assertEquals(2.2, score.robustGainAtEqualStandard(), 1e-9);
    assertEquals(22.0 / 13, score.standardGainAtEqualRobust(), 1e-9);
    assertEquals(List.of("robustGainAtEqualStandard"), score.extrapolated());
    assertEquals(
        List.of(
            "standard accuracy 89.00 % is outside the reference range [82.00, 88.00] %:"
                + " robustGainAtEqualStandard uses the curve's linear extension"),
        score.warnings());
  }

  @Test
  void defaultQuadraticGivesTheSameCurveHere() {
    // The line's residuals (0.1, -0.3, 0.3, -0.1) are orthogonal to a quadratic term.
    TradeoffScore score =
        TradeoffCurve.fit("worked-example", POINTS, TradeoffCurve.DEFAULT_DEGREE).score(86, 54);
    assertEquals(2, score.curveDegree());
    assertEquals(1.3 / Math.sqrt(2.69), score.signedDistance(), 1e-9);
    assertEquals(1.3, score.robustGainAtEqualStandard(), 1e-9);
    assertEquals(1.0, score.standardGainAtEqualRobust(), 1e-9);
  }

  @Test
  void sweepOfTwoRuns() {
    SweepScore score =
        SweepScore.compute(
            CURVE, List.of(new RunPoint("phi=30", 84, 57), new RunPoint("phi=45", 88, 52.4)));
    assertEquals(1, score.runsCurveDegree());
    assertEquals(new Interval(84, 88), score.standardOverlap());
    assertEquals(2.0, score.meanRobustGain(), 1e-9);
    assertEquals(52.4, score.robustOverlap().from(), 1e-9);
    assertEquals(57.0, score.robustOverlap().to(), 1e-9);
    assertEquals(20.0 / 13, score.meanStandardGain(), 1e-9);
    assertEquals(List.of(), score.warnings());
  }
}
