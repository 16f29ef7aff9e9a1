package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DlrLossTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private NDArray logits(float[]... rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
    }
    return manager.create(flat, new Shape(rows.length, rows[0].length));
  }

  @Test
  void untargetedUsesTheBestOtherClassAndTheTopThreeSpread() {
    NDArray z =
        logits(
            new float[] {5, 3, 1, 0}, // label 0 predicted: -(5 - 3) / (5 - 1)
            new float[] {5, 3, 1, 0}); // label 2 not predicted: -(1 - 5) / (5 - 1)
    NDArray labels = manager.create(new long[] {0, 2});
    assertArrayEquals(new float[] {-0.5f, 1f}, DlrLoss.untargeted(z, labels).toFloatArray(), 1e-6f);
  }

  @Test
  void targetedUsesTheTargetAndTheThirdAndFourthLogits() {
    NDArray z = logits(new float[] {6, 4, 2, 0, -2});
    NDArray labels = manager.create(new long[] {0});
    NDArray targets = manager.create(new long[] {3});
    // -(6 - 0) / (6 - (2 + 0) / 2)
    assertArrayEquals(
        new float[] {-6f / 5f}, DlrLoss.targeted(z, labels, targets).toFloatArray(), 1e-6f);
  }

  @Test
  void bothAreInvariantToShiftingAndScalingTheLogits() {
    NDArray z =
        logits(new float[] {0.3f, 2.1f, -1f, 0.7f, 1.4f}, new float[] {1f, -2f, 0.5f, 3f, 0f});
    NDArray labels = manager.create(new long[] {1, 4});
    NDArray targets = manager.create(new long[] {4, 2});
    NDArray moved = z.mul(7.5).add(-3);
    assertArrayEquals(
        DlrLoss.untargeted(z, labels).toFloatArray(),
        DlrLoss.untargeted(moved, labels).toFloatArray(),
        1e-5f);
    assertArrayEquals(
        DlrLoss.targeted(z, labels, targets).toFloatArray(),
        DlrLoss.targeted(moved, labels, targets).toFloatArray(),
        1e-5f);
  }

  @Test
  void refusesTooFewClasses() {
    NDArray two = logits(new float[] {1, 0});
    NDArray three = logits(new float[] {1, 0, 2});
    NDArray label = manager.create(new long[] {0});
    assertThrows(IllegalArgumentException.class, () -> DlrLoss.untargeted(two, label));
    assertThrows(IllegalArgumentException.class, () -> DlrLoss.targeted(three, label, label));
  }
}
