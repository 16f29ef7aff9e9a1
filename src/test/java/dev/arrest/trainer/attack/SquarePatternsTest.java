package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SquarePatternsTest {

  @Test
  void squareFractionHalvesAfterThePublishedIterations() {
    double p = SquareAttack.P_INIT;
    assertEquals(p, SquareRun.squareFraction(0));
    assertEquals(p, SquareRun.squareFraction(10));
    assertEquals(p / 2, SquareRun.squareFraction(11));
    assertEquals(p / 2, SquareRun.squareFraction(50));
    assertEquals(p / 4, SquareRun.squareFraction(51));
    assertEquals(p / 8, SquareRun.squareFraction(201));
    assertEquals(p / 16, SquareRun.squareFraction(501));
    assertEquals(p / 32, SquareRun.squareFraction(1001));
    assertEquals(p / 64, SquareRun.squareFraction(2001));
    assertEquals(p / 128, SquareRun.squareFraction(4001));
    assertEquals(p / 256, SquareRun.squareFraction(6001));
    assertEquals(p / 512, SquareRun.squareFraction(8001));
    assertEquals(
        p / 128,
        SquareRun.squareFraction(4999),
        "AutoAttack's 5000 queries end in the 4000-6000 stage");
  }

  @Test
  void etaHasUnitNormAndOppositeHalves() {
    for (int side : new int[] {3, 4, 5, 9}) {
      double[] pattern = SquarePatterns.eta(side, new SplittableRandom(side));
      double norm = 0;
      double sum = 0;
      for (double v : pattern) {
        norm += v * v;
        sum += v;
      }
      assertEquals(1, norm, 1e-12);
      if (side % 2 == 0) {
        assertEquals(0, sum, 1e-12, "equal halves cancel");
      }
    }
  }

  @Test
  void etaIsEitherTheUpperLowerPatternOrItsTranspose() {
    int side = 5;
    boolean sawRows = false;
    boolean sawColumns = false;
    for (int seed = 0; seed < 20; seed++) {
      double[] pattern = SquarePatterns.eta(side, new SplittableRandom(seed));
      // Upper/lower: the first row is positive and the last negative; transposed: first/last
      // columns instead.
      boolean rows = pattern[2] > 0 && pattern[(side - 1) * side + 2] < 0;
      boolean columns = pattern[2 * side] > 0 && pattern[2 * side + side - 1] < 0;
      assertTrue(rows ^ columns, "seed " + seed);
      sawRows |= rows;
      sawColumns |= columns;
    }
    assertTrue(sawRows && sawColumns);
  }

  @Test
  void rectanglesPeakAtTheCentre() {
    double[] block = SquarePatterns.rectangles(5, 5);
    double centre = block[2 * 5 + 2];
    for (double v : block) {
      assertTrue(v <= centre);
    }
    // Rings weigh 1/(r+1)^2, accumulated from the outside in: centre 1 + 1/4 + 1/9, corner 1/9.
    assertEquals((1 + 0.25 + 1.0 / 9) / (1.0 / 9), centre / block[0], 1e-12);
  }
}
