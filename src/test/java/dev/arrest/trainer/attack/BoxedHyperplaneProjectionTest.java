package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.Norm;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxedHyperplaneProjectionTest {

  @Test
  void interiorLinfProjectionMovesEveryCoordinateByTheSameAmount() {
    float[] t = {0.5f, 0.5f, 0.5f, 0.5f};
    double[] w = {1, -2, 0.5, 0};
    double b =
        0.35; // w . t = -0.25, so w . d must be 0.6 and ||w||_1 = 3.5 gives delta = 0.6 / 3.5
    double[] d = BoxedHyperplaneProjection.project(Norm.LINF, t, w, b);
    double delta = 0.6 / 3.5;
    assertEquals(delta, d[0], 1e-12);
    assertEquals(-delta, d[1], 1e-12);
    assertEquals(delta, d[2], 1e-12);
    assertEquals(0, d[3], 0, "coordinates with zero weight stay");
  }

  @Test
  void interiorL2ProjectionIsTheOrthogonalOne() {
    float[] t = {0.5f, 0.5f, 0.5f};
    double[] w = {1, -2, 2};
    double b = 0.9; // w . t = 0.5, residual 0.4, ||w||^2 = 9
    double[] d = BoxedHyperplaneProjection.project(Norm.L2, t, w, b);
    for (int i = 0; i < 3; i++) {
      assertEquals(0.4 / 9 * w[i], d[i], 1e-12);
    }
  }

  @Test
  void saturatedCoordinatesAreCompensatedByTheOthers() {
    // Coordinate 0 can only rise by 0.05; the rest of the residual must come from coordinate 1.
    float[] t = {0.95f, 0.2f};
    double[] w = {1, 1};
    double b = 0.95 + 0.2 + 0.5;
    double[] linf = BoxedHyperplaneProjection.project(Norm.LINF, t, w, b);
    assertEquals(1 - 0.95f, linf[0], 1e-7);
    assertEquals(0.5 - (1 - 0.95f), linf[1], 1e-7);
    double[] l2 = BoxedHyperplaneProjection.project(Norm.L2, t, w, b);
    assertEquals(1 - 0.95f, l2[0], 1e-7);
    assertEquals(0.5 - (1 - 0.95f), l2[1], 1e-7);
  }

  @Test
  void anUnreachableHyperplaneGivesTheBoxCornerTowardsIt() {
    float[] t = {0.5f, 0.5f};
    double[] w = {1, -1};
    double[] d = BoxedHyperplaneProjection.project(Norm.LINF, t, w, 10);
    assertEquals(0.5, d[0], 1e-7);
    assertEquals(-0.5, d[1], 1e-7);
  }

  @Test
  void randomProblemsLandOnTheHyperplaneInsideTheBoxAndSatisfyOptimality() {
    Random random = new Random(3);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(60);
      float[] t = new float[n];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        t[i] = random.nextInt(5) == 0 ? random.nextInt(2) : random.nextFloat();
        w[i] = random.nextInt(6) == 0 ? 0 : random.nextGaussian();
      }
      double dot = 0;
      double reach = 0;
      for (int i = 0; i < n; i++) {
        dot += w[i] * t[i];
        reach += Math.abs(w[i]) * (w[i] > 0 ? 1 - t[i] : t[i]);
      }
      // A residual the box allows reaching: a random fraction of the largest increase.
      double b = dot + random.nextDouble() * reach;
      for (Norm norm : Norm.values()) {
        double[] d = BoxedHyperplaneProjection.project(norm, t, w, b);
        double moved = 0;
        for (int i = 0; i < n; i++) {
          moved += w[i] * (t[i] + d[i]);
          assertTrue(t[i] + d[i] >= -1e-12 && t[i] + d[i] <= 1 + 1e-12, "box, trial " + trial);
        }
        assertEquals(b, moved, 1e-9 * (1 + Math.abs(b)), norm + " hyperplane, trial " + trial);
        assertOptimal(norm, t, w, d, trial);
      }
    }
  }

  /**
   * KKT conditions of min ||d|| s.t. w . d = r, 0 <= t + d <= 1: every moving coordinate moves
   * towards the hyperplane and is either at the box or at the common level (delta for L-inf, lambda
   * |w_i| for L2); a coordinate at the box would want to move at least as far.
   */
  private static void assertOptimal(Norm norm, float[] t, double[] w, double[] d, int trial) {
    double level = -1;
    for (int i = 0; i < t.length; i++) {
      if (w[i] == 0) {
        assertEquals(0, d[i], 0);
        continue;
      }
      double room = d[i] >= 0 ? 1 - t[i] : t[i];
      boolean atBox = Math.abs(Math.abs(d[i]) - room) < 1e-9;
      double free = norm == Norm.LINF ? Math.abs(d[i]) : Math.abs(d[i]) / Math.abs(w[i]);
      if (!atBox && Math.abs(d[i]) > 0) {
        if (level < 0) {
          level = free;
        }
        assertEquals(level, free, 1e-9 * (1 + level), norm + " common level, trial " + trial);
      }
    }
    for (int i = 0; i < t.length && level >= 0; i++) {
      if (w[i] != 0) {
        double room = d[i] >= 0 ? 1 - t[i] : t[i];
        if (Math.abs(Math.abs(d[i]) - room) < 1e-9) {
          double wanted = norm == Norm.LINF ? level : level * Math.abs(w[i]);
          assertTrue(
              wanted >= room - 1e-9,
              norm + " saturated coordinate below the level, trial " + trial);
        }
      }
    }
  }
}
