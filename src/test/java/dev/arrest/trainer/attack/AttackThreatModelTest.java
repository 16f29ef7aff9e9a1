package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.trainer.testing.TinyMlp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every attack, in both norms, returns images inside the epsilon-ball and the [0, 1] box, even at
 * saturated pixels.
 */
class AttackThreatModelTest {

  @Test
  void everyAttackStaysInsideTheThreatModel() {
    Engine.getInstance().setRandomSeed(5);
    try (NDManager manager = NDManager.newBaseManager();
        TinyMlp model = TinyMlp.trainedOnBands(manager, 1, 5)) {
      // A third of the pixels saturated at 0 or 1, where the box is tighter than the ball.
      NDArray images =
          manager.randomUniform(0, 1, new Shape(12, 1, 28, 28)).mul(1.6).sub(0.3).clip(0, 1);
      // Labels are the predictions, so that every example is attacked (attacks skip misclassified
      // ones).
      NDArray labels = model.forward(images, false).logits().argMax(1);
      int[] broken = new int[1];
      int[] ids = AttackTesting.range(12);
      for (ThreatModel threat : List.of(ThreatModel.linf(0.2), ThreatModel.l2(1.5))) {
        ExampleRandom random = new ExampleRandom(1);
        List<EvaluationAttack> attacks =
            List.of(
                Apgd.builder()
                    .setLoss(Apgd.Loss.CROSS_ENTROPY)
                    .setThreatModel(threat)
                    .setRandom(random)
                    .optIterations(10)
                    .optRestarts(2)
                    .build(),
                Apgd.builder()
                    .setLoss(Apgd.Loss.DLR)
                    .setThreatModel(threat)
                    .setRandom(random)
                    .optIterations(10)
                    .optEotIterations(2)
                    .build(),
                Apgd.builder()
                    .setLoss(Apgd.Loss.TARGETED_DLR)
                    .setThreatModel(threat)
                    .setRandom(random)
                    .optIterations(10)
                    .optTargetClasses(3)
                    .build(),
                Fab.builder()
                    .setThreatModel(threat)
                    .setRandom(random)
                    .optIterations(10)
                    .optRestarts(2)
                    .build(),
                Fab.builder()
                    .optTargeted(true)
                    .setThreatModel(threat)
                    .setRandom(random)
                    .optIterations(10)
                    .optTargetClasses(3)
                    .build(),
                SquareAttack.builder()
                    .setThreatModel(threat)
                    .setRandom(random)
                    .optQueries(300)
                    .build());
        for (EvaluationAttack attack : attacks) {
          NDArray adversarial =
              attack.perturb(model, new AttackBatch(images, labels, ids, new AttackDiagnostics()));
          assertEquals(images.getShape(), adversarial.getShape(), attack.name());
          float[] clean = images.toFloatArray();
          float[] found = adversarial.toFloatArray();
          long[] predicted = AttackTesting.predictions(model, adversarial);
          long[] truth = labels.toLongArray();
          for (int e = 0; e < 12; e++) {
            float[] x = AttackTesting.row(clean, e, 784);
            float[] a = AttackTesting.row(found, e, 784);
            broken[0] += predicted[e] != truth[e] ? 1 : 0;
            assertTrue(
                threat.contains(a, x),
                attack.name()
                    + " "
                    + threat
                    + " example "
                    + e
                    + " at distance "
                    + threat.norm(a, x));
          }
        }
      }
      assertTrue(
          broken[0] > 12, "the attacks moved too few examples to test anything: " + broken[0]);
    }
  }
}
