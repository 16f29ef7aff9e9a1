package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.trainer.progress.WithinStep;
import dev.arrest.trainer.testing.TinyMlp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every attack reports its progress within a batch through the restart template: counts that only
 * grow, up to the run budget over all targets and restarts, a still-robust count that only falls,
 * and candidates identical to a run nobody watches.
 */
class AttackProgressTest {
  private static final int SIZE = 6;

  @Test
  void everyAttackReportsMonotoneProgressWithinTheBatchWithoutChangingItsResult() {
    try (NDManager manager = NDManager.newBaseManager();
        TinyMlp model = TinyMlp.trainedOnBands(manager, 0, 3)) {
      SplittableRandom random = new SplittableRandom(1);
      float[] pixels = new float[SIZE * 784];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) random.nextDouble();
      }
      NDArray images = manager.create(pixels, new Shape(SIZE, 1, 28, 28));
      NDArray labels = manager.create(AttackTesting.predictions(model, images));
      ThreatModel threat = ThreatModel.linf(0.01);
      ExampleRandom streams = new ExampleRandom(2);
      List<RestartingAttack> attacks =
          List.of(
              Apgd.builder()
                  .setLoss(Apgd.Loss.TARGETED_DLR)
                  .setThreatModel(threat)
                  .setRandom(streams)
                  .optIterations(4)
                  .optTargetClasses(2)
                  .optRestarts(2)
                  .build(),
              Fab.builder()
                  .optTargeted(true)
                  .setThreatModel(threat)
                  .setRandom(streams)
                  .optIterations(3)
                  .optTargetClasses(2)
                  .build(),
              SquareAttack.builder()
                  .setThreatModel(threat)
                  .setRandom(streams)
                  .optQueries(30)
                  .optRestarts(2)
                  .build(),
              PgdRestarts.builder().setThreatModel(threat).optSteps(3).optRestarts(2).build());
      for (RestartingAttack attack : attacks) {
        List<WithinStep> seen = new ArrayList<>();
        int[] ids = AttackTesting.range(SIZE);
        float[] watched =
            attack
                .perturb(
                    model, new AttackBatch(images, labels, ids, new AttackDiagnostics(), seen::add))
                .toFloatArray();
        float[] unwatched =
            attack
                .perturb(model, new AttackBatch(images, labels, ids, new AttackDiagnostics()))
                .toFloatArray();
        assertArrayEquals(unwatched, watched, attack.name());

        long budget =
            (long) Math.max(attack.targetClasses(), 1) * attack.restarts() * attack.iterations();
        assertTrue(seen.size() >= attack.restarts(), attack.name() + ": " + seen.size());
        assertEquals(attack instanceof SquareAttack ? "queries" : "iterations", seen.get(0).unit());
        for (int i = 0; i < seen.size(); i++) {
          WithinStep step = seen.get(i);
          assertEquals(budget, step.total(), attack.name());
          assertEquals(SIZE, step.examples(), attack.name());
          if (i > 0) {
            WithinStep before = seen.get(i - 1);
            assertTrue(step.done() >= before.done(), attack.name() + " done at " + i);
          }
        }
        // Iteration-level events, not only one per run: the first one comes after one iteration.
        assertEquals(1, seen.get(0).done(), attack.name());
        // After each finished run the template reports the batch's exact still-robust count,
        // which only falls.
        int lastRobust = SIZE;
        for (WithinStep step : seen) {
          if (step.done() % attack.iterations() == 0) {
            assertTrue(step.stillRobust() <= lastRobust, attack.name());
            lastRobust = step.stillRobust();
          }
        }
      }
    }
  }
}
