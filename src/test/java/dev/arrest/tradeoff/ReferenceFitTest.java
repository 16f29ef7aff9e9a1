package dev.arrest.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ReferenceFit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code fit: frontier}: which reference points a curve leaves out, and why it says so. */
class ReferenceFitTest {

  private static ReferencePoint point(String method, double standard, double robust) {
    return new ReferencePoint(method, standard, robust, "test");
  }

  /** The shape step 5 of docs/reproduction.md met: AT beats TRADES beta=6 on both axes. */
  private static final ReferenceSet OWN_BASELINES =
      new ReferenceSet(
          "own",
          List.of(
              point("at", 84.85, 78.03),
              point("trades beta=6", 79.31, 71.12),
              point("trades beta=1", 88.95, 71.83),
              point("standard", 91.0, 0)));

  @Test
  void allFitsEveryDefendedPointAsBefore() {
    assertEquals(OWN_BASELINES.fittingPoints(), OWN_BASELINES.fittingPoints(ReferenceFit.ALL));
    assertEquals(3, OWN_BASELINES.fittingPoints(ReferenceFit.ALL).size());
    assertEquals(
        List.of("standard (91.00 % / 0.00 %): 0 % robust accuracy, an undefended model"),
        OWN_BASELINES.leftOutOfFit(ReferenceFit.ALL));
  }

  @Test
  void aDominatedPointBendsNoCurveOnlyWithFrontier() {
    IllegalArgumentException all =
        assertThrows(IllegalArgumentException.class, () -> OWN_BASELINES.fitCurve(2));
    assertTrue(all.getMessage().contains("no accuracy-robustness tradeoff"), all.getMessage());

    IllegalArgumentException tooFew =
        assertThrows(
            IllegalArgumentException.class, () -> OWN_BASELINES.fitCurve(2, ReferenceFit.FRONTIER));
    assertEquals(
        "a degree-2 tradeoff curve needs at least 3 points with distinct standard accuracies; got 2"
            + " distinct among 2 points (fit: frontier fitted 2 of 4 points, leaving out trades"
            + " beta=6 (79.31 % / 71.12 %): dominated by at (84.85 % / 78.03 %), trades beta=1"
            + " (88.95 % / 71.83 %); standard (91.00 % / 0.00 %): 0 % robust accuracy, an"
            + " undefended model)",
        tooFew.getMessage(),
        "the degree is not lowered silently, and the message says why so few points are left");

    TradeoffCurve frontier = OWN_BASELINES.fitCurve(1, ReferenceFit.FRONTIER);
    assertEquals(
        List.of("at", "trades beta=1"),
        OWN_BASELINES.fittingPoints(ReferenceFit.FRONTIER).stream()
            .map(ReferencePoint::method)
            .toList());
    assertEquals(new Interval(84.85, 88.95), frontier.standardRange());
    assertEquals(78.03, frontier.robustAt(84.85), 1e-9);
    assertEquals(71.83, frontier.robustAt(88.95), 1e-9);
    List<String> leftOut =
        List.of(
            "trades beta=6 (79.31 % / 71.12 %): dominated by at (84.85 % / 78.03 %), trades"
                + " beta=1 (88.95 % / 71.83 %)",
            "standard (91.00 % / 0.00 %): 0 % robust accuracy, an undefended model");
    assertEquals(leftOut, frontier.leftOutPoints());
    assertEquals(leftOut, frontier.summary().leftOutPoints());
    assertEquals(2, frontier.summary().pointCount());
  }

  /** A single run's result records no curve, so each score carries what its curve left out. */
  @Test
  void everyScoreSaysWhatItsCurveLeftOut() {
    TradeoffScore score = OWN_BASELINES.fitCurve(1, ReferenceFit.FRONTIER).score(86, 76);
    assertEquals(
        List.of(
            "reference curve leaves out trades beta=6 (79.31 % / 71.12 %): dominated by at"
                + " (84.85 % / 78.03 %), trades beta=1 (88.95 % / 71.83 %)",
            "reference curve leaves out standard (91.00 % / 0.00 %): 0 % robust accuracy, an"
                + " undefended model"),
        score.warnings());
    assertEquals(List.of(), score.extrapolated());
  }

  @Test
  void aPlaneMarksThePointsTheCurveDoesNotFollow() {
    assertEquals(
        List.of("at", "trades beta=6 (not fitted)", "trades beta=1", "standard (not fitted)"),
        OWN_BASELINES.pointsMarkingThoseNotFitted(ReferenceFit.FRONTIER).stream()
            .map(ReferencePoint::method)
            .toList());
    assertEquals(
        List.of("at", "trades beta=6", "trades beta=1", "standard (not fitted)"),
        OWN_BASELINES.pointsMarkingThoseNotFitted(ReferenceFit.ALL).stream()
            .map(ReferencePoint::method)
            .toList());
  }

  @Test
  void equalOnOneAxisAndWorseOnTheOtherIsDominated() {
    ReferenceSet set =
        new ReferenceSet(
            "ties",
            List.of(
                point("a", 80, 60),
                point("same clean, less robust", 80, 55),
                point("same robust, less clean", 78, 60),
                point("b", 84, 52)));
    assertEquals(
        List.of("a", "b"),
        set.fittingPoints(ReferenceFit.FRONTIER).stream().map(ReferencePoint::method).toList());
    assertEquals(
        List.of(
            "same clean, less robust (80.00 % / 55.00 %): dominated by a (80.00 % / 60.00 %)",
            "same robust, less clean (78.00 % / 60.00 %): dominated by a (80.00 % / 60.00 %)"),
        set.leftOutOfFit(ReferenceFit.FRONTIER));
  }

  @Test
  void identicalPointsDoNotDominateEachOther() {
    ReferenceSet set =
        new ReferenceSet(
            "duplicates",
            List.of(point("a", 80, 60), point("a again", 80, 60), point("b", 84, 52)));
    assertEquals(3, set.fittingPoints(ReferenceFit.FRONTIER).size());
    assertEquals(List.of(), set.leftOutOfFit(ReferenceFit.FRONTIER));
  }

  @Test
  void everyDominatingPointIsNamed() {
    ReferenceSet set =
        new ReferenceSet(
            "two", List.of(point("a", 80, 60), point("b", 84, 56), point("weak", 79, 55)));
    assertEquals(
        List.of(
            "weak (79.00 % / 55.00 %): dominated by a (80.00 % / 60.00 %), b (84.00 % / 56.00 %)"),
        set.leftOutOfFit(ReferenceFit.FRONTIER));
  }

  @Test
  void onTheShippedSetsTheFrontierKeepsFewPoints() {
    // Why frontier is an option and not the default: published results are a scattered cloud, most
    // of which is dominated. The frontiers, checked against the CSVs by hand: AWP, LBGAT and LAS-AT
    // of the WRN-34-10 rows, and AIT and FS besides in the mixed set.
    assertEquals(List.of("AWP", "LBGAT", "LAS-AT"), frontierMethods("cifar10-linf-8255-wrn34"));
    assertEquals(
        List.of("AWP", "LBGAT", "LAS-AT", "AIT", "FS"), frontierMethods("cifar10-linf-8255"));
    ReferenceSet mixed = ReferenceSets.load("cifar10-linf-8255");
    assertEquals(8, mixed.leftOutOfFit(ReferenceFit.FRONTIER).size(), "7 dominated, 1 undefended");
    assertTrue(
        mixed
            .leftOutOfFit(ReferenceFit.FRONTIER)
            .contains(
                "TRADES (84.92 % / 53.08 %): dominated by AWP (85.36 % / 56.17 %), LAS-AT (84.98"
                    + " % / 56.26 %)"),
        mixed.leftOutOfFit(ReferenceFit.FRONTIER).toString());
  }

  private static List<String> frontierMethods(String set) {
    return ReferenceSets.load(set).fittingPoints(ReferenceFit.FRONTIER).stream()
        .map(ReferencePoint::method)
        .toList();
  }
}
