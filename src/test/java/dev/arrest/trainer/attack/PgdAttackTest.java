package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.loss.Losses;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.testing.TinyData;
import dev.arrest.trainer.train.Backpropagation;
import dev.arrest.trainer.train.LossTerms;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PgdAttackTest {
  private static final double EPSILON = 0.1;

  private NDManager manager;
  private Network network;
  private NDArray images;
  private NDArray labels;

  @BeforeEach
  void setUp() {
    Engine.getInstance().setRandomSeed(7);
    manager = NDManager.newBaseManager();
    network = TinyData.smallCnn(manager);
    // Include saturated pixels, where the [0, 1] box is tighter than the epsilon-ball.
    images = manager.randomUniform(0, 1, new Shape(32, 1, 28, 28)).mul(1.4).sub(0.2).clip(0, 1);
    labels = manager.randomInteger(0, 10, new Shape(32), DataType.INT64);
  }

  @AfterEach
  void tearDown() {
    network.close();
    manager.close();
  }

  private double meanLoss(NDArray x) {
    return Losses.crossEntropy(network.forward(x, false).logits(), labels).mean().getFloat();
  }

  @Test
  void staysInsideTheEpsilonBallAndThePixelBox() {
    for (PgdAttack.Start start : PgdAttack.Start.values()) {
      NDArray adversarial =
          new PgdAttack(EPSILON, 0.07, 5, start)
              .perturb(network, images, out -> Losses.crossEntropy(out.logits(), labels).sum());
      assertTrue(
          adversarial.sub(images).abs().max().getFloat() <= EPSILON + 1e-6,
          start + " leaves the ball");
      assertTrue(adversarial.min().getFloat() >= 0, start + " below 0");
      assertTrue(adversarial.max().getFloat() <= 1, start + " above 1");
      assertEquals(images.getShape(), adversarial.getShape());
    }
  }

  @Test
  void increasesTheLossBeyondCleanAndRandomNoise() {
    double clean = meanLoss(images);
    double noise =
        meanLoss(
            images
                .add(manager.randomUniform((float) -EPSILON, (float) EPSILON, images.getShape()))
                .clip(0, 1));
    NDArray adversarial =
        new PgdAttack(EPSILON, 0.025, 10, PgdAttack.Start.UNIFORM)
            .perturb(network, images, out -> Losses.crossEntropy(out.logits(), labels).sum());
    double attacked = meanLoss(adversarial);
    assertTrue(attacked > clean + 0.05, "PGD loss " + attacked + " vs clean " + clean);
    assertTrue(attacked > noise + 0.05, "PGD loss " + attacked + " vs random noise " + noise);
  }

  @Test
  void leavesBatchNormStatisticsAndWeightGradientsAlone() {
    network.close();
    network = TinyData.tinyWideResNet(manager);
    // Give every weight a gradient, then zero it through an optimizer step with learning rate 0.
    SgdOptimizer optimizer = new SgdOptimizer(network.parameters(), 0, 0, false, manager);
    Backpropagation.run(
        () -> {
          NDArray loss = Losses.crossEntropy(network.forward(images, true).logits(), labels).mean();
          return new LossTerms(loss, loss, null, null, null);
        });
    optimizer.step(0);
    List<float[]> before = snapshot();

    new PgdAttack(EPSILON, 0.025, 3, PgdAttack.Start.UNIFORM)
        .perturb(network, images, out -> Losses.crossEntropy(out.logits(), labels).sum());

    List<float[]> after = snapshot();
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(
          before.get(i), after.get(i), "parameter or running statistic " + i + " changed");
    }
    for (Pair<String, Parameter> p : network.parameters()) {
      if (p.getValue().requiresGradient()) {
        try (NDArray gradient = p.getValue().getArray().getGradient()) {
          assertEquals(
              0f, gradient.abs().sum().getFloat(), p.getKey() + " accumulated attack gradients");
        }
      }
    }
  }

  private List<float[]> snapshot() {
    List<float[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : network.parameters()) {
      values.add(p.getValue().getArray().toFloatArray());
    }
    return values;
  }
}
