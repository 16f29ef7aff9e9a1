package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.trainer.testing.LinearClassifier;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A linear model built so that only class 2 can be reached: the label 0 and classes 1 and 3..9 have
 * constant logits (zero weights), while z_2 = 20 * mean(x) - 11.2 rises with the pixels. On an
 * image at 0.5 class 2 has the 10th largest logit, at 0.545 the 2nd. A targeted attack can only
 * succeed when class 2 is among its targets, and the constant classes give it no gradient, so it
 * cannot succeed by accident while targeting another class.
 */
class TargetedAttacksTest {
  private static final int PIXELS = 784;
  private static final double EPSILON = 0.1;

  private NDManager manager;
  private LinearClassifier model;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    double[][] weights = new double[10][PIXELS];
    Arrays.fill(weights[2], 20.0 / PIXELS);
    double[] biases = {0, -1, -11.2, -1.10, -1.11, -1.12, -1.13, -1.14, -1.15, -1.16};
    model = new LinearClassifier(manager, weights, biases, 0);
  }

  @AfterEach
  void tearDown() {
    model.close();
    manager.close();
  }

  /** Example 0 ranks class 2 tenth, example 1 second. */
  private AttackBatch batch() {
    float[] pixels = new float[2 * PIXELS];
    Arrays.fill(pixels, 0, PIXELS, 0.5f);
    Arrays.fill(pixels, PIXELS, 2 * PIXELS, 0.545f);
    return new AttackBatch(
        manager.create(pixels, new Shape(2, 1, 28, 28)),
        manager.create(new long[] {0, 0}),
        new int[] {0, 1},
        new AttackDiagnostics());
  }

  @Test
  void targetsAreTheClassesRankedSecondToTenthByCleanLogits() {
    float[] logits = model.forward(batch().images(), false).logits().toFloatArray();
    assertEquals(2, ClassRanking.classAtRank(logits, 0, 10, 10));
    assertEquals(1, ClassRanking.classAtRank(logits, 0, 10, 2));
    assertEquals(2, ClassRanking.classAtRank(logits, 1, 10, 2));
    assertEquals(0, ClassRanking.classAtRank(logits, 1, 10, 1));
  }

  @Test
  void apgdTargetedBreaksAnExampleOnlyWhenItsReachableClassIsAmongTheTargets() {
    checkTargets(
        targets ->
            Apgd.builder()
                .setLoss(Apgd.Loss.TARGETED_DLR)
                .setThreatModel(ThreatModel.linf(EPSILON))
                .setRandom(new ExampleRandom(4))
                .optIterations(20)
                .optTargetClasses(targets)
                .build());
  }

  @Test
  void fabTargetedBreaksAnExampleOnlyWhenItsReachableClassIsAmongTheTargets() {
    checkTargets(
        targets ->
            Fab.builder()
                .optTargeted(true)
                .setThreatModel(ThreatModel.linf(EPSILON))
                .setRandom(new ExampleRandom(4))
                .optIterations(20)
                .optTargetClasses(targets)
                .build());
  }

  private void checkTargets(IntFunction<EvaluationAttack> attackWithTargets) {
    // One target: example 1's class 2 is its 2nd, example 0's is its 10th.
    assertArrayEquals(new long[] {0, 2}, predictionsUnder(attackWithTargets.apply(1)));
    assertArrayEquals(new long[] {0, 2}, predictionsUnder(attackWithTargets.apply(8)));
    assertArrayEquals(new long[] {2, 2}, predictionsUnder(attackWithTargets.apply(9)));
  }

  private long[] predictionsUnder(EvaluationAttack attack) {
    AttackBatch batch = batch();
    NDArray adversarial = attack.perturb(model, batch);
    float[] clean = batch.images().toFloatArray();
    float[] found = adversarial.toFloatArray();
    for (int e = 0; e < 2; e++) {
      assertEquals(
          true,
          ThreatModel.linf(EPSILON)
              .contains(AttackTesting.row(found, e, PIXELS), AttackTesting.row(clean, e, PIXELS)),
          attack.name());
    }
    return AttackTesting.predictions(model, adversarial);
  }
}
