package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApgdStepSizeControlTest {
  private static final double EPSILON = 0.1;

  @Test
  void checkpointsFollowThePublishedScheduleFor100Iterations() {
    // Intervals 22, 19, 16, 13, 10, 7, then 6 (= 0.06 N) until the end.
    assertEquals(List.of(21, 40, 56, 69, 79, 86, 92, 98), ApgdStepSizeControl.checkpoints(100));
  }

  @Test
  void shortRunsUseIntervalsOfAtLeastOneIteration() {
    // N = 10: first interval int(2.2) = 2, then shrinking by max(int(0.3), 1) = 1 down to 1.
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), ApgdStepSizeControl.checkpoints(10));
    assertEquals(List.of(0), ApgdStepSizeControl.checkpoints(1));
  }

  @Test
  void recordReportsHalvingsExactlyAtTheCheckpoints() {
    ApgdStepSizeControl control = new ApgdStepSizeControl(100, 0.75, 2 * EPSILON, new float[] {0f});
    List<Integer> checkpoints = ApgdStepSizeControl.checkpoints(100);
    float best = 0;
    for (int i = 0; i < 100; i++) {
      float loss = (i % 2 == 0) ? 1f : 0.5f;
      best = Math.max(best, loss);
      boolean[] halved = control.record(i, new float[] {loss}, new float[] {best});
      if (checkpoints.contains(i)) {
        assertNotNull(halved, "checkpoint at " + i);
      } else {
        assertNull(halved, "no checkpoint at " + i);
      }
    }
  }

  @Test
  void steadyProgressKeepsTheStepSize() {
    float[] start = {0f};
    ApgdStepSizeControl control = new ApgdStepSizeControl(100, 0.75, 2 * EPSILON, start);
    for (int i = 0; i < 100; i++) {
      float loss = i + 1;
      boolean[] halved = control.record(i, new float[] {loss}, new float[] {loss});
      if (halved != null) {
        assertFalse(halved[0], "halved at " + i + " although the loss increased at every step");
      }
    }
    assertArrayEquals(new double[] {2 * EPSILON}, control.stepSizes());
  }

  @Test
  void oscillationHalvesTheStepAtTheFirstCheckpoint() {
    ApgdStepSizeControl control =
        new ApgdStepSizeControl(100, 0.75, 2 * EPSILON, new float[] {0f, 0f});
    boolean[] halved = null;
    for (int i = 0; i <= 21; i++) {
      // Example 0 alternates (11 increases of 22 <= 0.75 * 22); example 1 always increases.
      float[] loss = {i % 2 == 0 ? 1f : 0.5f, i + 1};
      halved = control.record(i, loss, new float[] {1f, i + 1});
    }
    assertArrayEquals(new boolean[] {true, false}, halved);
    assertArrayEquals(new double[] {EPSILON, 2 * EPSILON}, control.stepSizes(), 1e-12);
  }

  @Test
  void theFirstStepIsComparedWithTheStartingPointsLoss() {
    // 16 increases in steps 2..22 and a decrease at step 1 from the starting loss: 16 <= 0.75 * 22
    // = 16.5, so the step is halved. (The reference code compares step 1 with 0, which would count
    // a 17th increase and not halve.)
    float startLoss = 5f;
    ApgdStepSizeControl control =
        new ApgdStepSizeControl(100, 0.75, 2 * EPSILON, new float[] {startLoss});
    float[] losses = new float[22];
    losses[0] = 1f;
    for (int i = 1; i < 22; i++) {
      losses[i] = i <= 16 ? losses[i - 1] + 0.1f : losses[i - 1] - 0.05f;
    }
    boolean[] halved = null;
    for (int i = 0; i < 22; i++) {
      halved = control.record(i, new float[] {losses[i]}, new float[] {startLoss});
    }
    assertTrue(halved[0]);
  }

  @Test
  void noImprovementSinceAnUnhalvedCheckpointHalvesTheStep() {
    // The best loss is the starting point's and is never beaten, yet the loss rises at every step:
    // condition 1 never fires. Condition 2 is skipped at the first checkpoint and fires at the
    // second.
    float best = 100f;
    ApgdStepSizeControl control =
        new ApgdStepSizeControl(100, 0.75, 2 * EPSILON, new float[] {best});
    boolean[] first = null;
    boolean[] second = null;
    for (int i = 0; i <= 40; i++) {
      boolean[] halved = control.record(i, new float[] {i}, new float[] {best});
      if (i == 21) {
        first = halved;
      } else if (i == 40) {
        second = halved;
      }
    }
    assertFalse(first[0]);
    assertTrue(second[0]);
    assertArrayEquals(new double[] {EPSILON}, control.stepSizes(), 1e-12);
  }

  @Test
  void improvementSinceTheLastCheckpointKeepsTheStep() {
    ApgdStepSizeControl control = new ApgdStepSizeControl(100, 0.75, 2 * EPSILON, new float[] {0f});
    boolean[] second = null;
    for (int i = 0; i <= 40; i++) {
      second = control.record(i, new float[] {i + 1}, new float[] {i + 1});
    }
    assertFalse(second[0]);
  }
}
