package dev.arrest.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedDifferenceTest {

  /**
   * Fagerland, Lydersen and Laake, "Statistical Analysis of Contingency Tables" (2017), ch. 8: the
   * complete-response table of Cavo et al. (2012), 59 / 6 / 16 / 80; Newcombe's square-and-add
   * interval -0.0621 (95 % CI -0.1186 to -0.0046).
   */
  @Test
  void matchesThePublishedExample() {
    PairedDifference d = PairedDifference.of(59, 6, 16, 80);

    assertEquals(-6.21, d.difference(), 0.005);
    assertEquals(-11.86, d.interval().from(), 0.005);
    assertEquals(-0.46, d.interval().to(), 0.005);
    assertTrue(d.decided());
    assertEquals("-6.21 pp [-11.86, -0.46] (6 vs 16 of 161)", d.describe());
  }

  @Test
  void countsTheExamplesOnlyOneModelGotRight() {
    boolean[] first = {true, true, false, false, true};
    boolean[] second = {true, false, true, false, false};

    PairedDifference d = PairedDifference.of(first, second);

    assertEquals(2, d.onlyFirst());
    assertEquals(1, d.onlySecond());
    assertEquals(5, d.samples());
    assertEquals(20.0, d.difference(), 1e-9);
    assertThrows(
        IllegalArgumentException.class,
        () -> PairedDifference.of(first, new boolean[] {true}),
        "outcomes of different examples are not paired");
  }

  /**
   * Two models that agree on most of 10 000 examples: a difference of 1 pp (150 vs 50 discordant
   * examples) is decided by the paired interval, while their separate Wilson intervals (each about
   * ±0.8 pp) overlap.
   */
  @Test
  void isMuchNarrowerThanSeparateIntervalsWhenTheModelsMostlyAgree() {
    PairedDifference d = PairedDifference.of(7900, 150, 50, 1900);

    assertEquals(1.0, d.difference(), 1e-9);
    assertTrue(d.decided(), d.describe());
    assertTrue(d.interval().width() < 0.6, d.describe());
    Interval first = ConfidenceIntervals.wilson(80.5, 10000);
    Interval second = ConfidenceIntervals.wilson(79.5, 10000);
    assertTrue(first.from() < second.to(), "the separate intervals overlap");
  }

  @Test
  void identicalModelsDifferByNothing() {
    PairedDifference d = PairedDifference.of(800, 0, 0, 200);

    assertEquals(0.0, d.difference());
    assertFalse(d.decided());
    assertTrue(d.interval().contains(0));
  }

  /**
   * Coverage: 2000 simulated paired evaluations of 1000 examples with a true difference of 2 pp
   * (P(both) = 0.70, P(first only) = 0.06, P(second only) = 0.04); about 95 % of the intervals
   * contain it (Newcombe's method is slightly conservative).
   */
  @Test
  void coversTheTrueDifferenceAboutNinetyFivePercentOfTheTime() {
    SplittableRandom random = new SplittableRandom(0);
    int trials = 2000;
    int covered = 0;
    for (int t = 0; t < trials; t++) {
      int both = 0;
      int onlyFirst = 0;
      int onlySecond = 0;
      int neither = 0;
      for (int i = 0; i < 1000; i++) {
        double u = random.nextDouble();
        if (u < 0.70) {
          both++;
        } else if (u < 0.76) {
          onlyFirst++;
        } else if (u < 0.80) {
          onlySecond++;
        } else {
          neither++;
        }
      }
      if (PairedDifference.of(both, onlyFirst, onlySecond, neither).interval().contains(2.0)) {
        covered++;
      }
    }
    double coverage = (double) covered / trials;
    assertTrue(coverage > 0.93 && coverage < 0.98, "coverage " + coverage);
  }
}
