package dev.arrest.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.RepresentationDistance;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.loss.RepresentationDistances;
import dev.arrest.trainer.testing.TinyData;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RgkdAndNoisyReplayTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    Engine.getInstance().setRandomSeed(3);
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /** Unit vectors in the plane at the given angles (degrees) from the x axis. */
  private NDArray atAngles(double... degrees) {
    float[] values = new float[degrees.length * 2];
    for (int i = 0; i < degrees.length; i++) {
      values[2 * i] = (float) Math.cos(Math.toRadians(degrees[i])) * (i + 1);
      values[2 * i + 1] = (float) Math.sin(Math.toRadians(degrees[i])) * (i + 1);
    }
    return manager.create(values, new Shape(degrees.length, 2));
  }

  @Test
  void rgkdDistanceIsZeroForIdenticalRepresentationsAndPositiveOtherwise() {
    NDArray a = manager.randomNormal(new Shape(16, 200)).abs();
    for (RepresentationDistance kind : RepresentationDistance.values()) {
      assertEquals(
          0,
          RepresentationDistances.distance(kind, a, a.duplicate()).max().getFloat(),
          1e-3,
          kind + " of identical representations");
      NDArray b = manager.randomNormal(new Shape(16, 200)).abs();
      assertTrue(
          RepresentationDistances.distance(kind, a, b).min().getFloat() > 0,
          kind + " of different ones");
    }
  }

  @Test
  void distancesHaveTheirDocumentedValues() {
    NDArray reference = atAngles(0, 0, 0);
    NDArray other = atAngles(0, 90, 180);
    assertArrayEquals(
        new float[] {0, 1, 2},
        RepresentationDistances.distance(RepresentationDistance.COSINE, other, reference)
            .toFloatArray(),
        1e-5f);
    assertArrayEquals(
        new float[] {0, 0.5f, 1},
        RepresentationDistances.distance(RepresentationDistance.ANGULAR, other, reference)
            .toFloatArray(),
        1e-3f);
    assertArrayEquals(
        new float[] {0, 90, 180},
        RepresentationDistances.angleDegrees(other, reference).toFloatArray(),
        0.2f);
  }

  @Test
  void rgkdOfTheFinetunedModelAgainstItsOwnPretrainedCopyIsZero(@TempDir Path dir)
      throws Exception {
    try (Network student = TinyData.smallCnn(manager);
        Network teacher = TinyData.smallCnn(manager)) {
      NDArray images = manager.randomUniform(0, 1, new Shape(8, 1, 28, 28));
      assertTrue(
          RepresentationDistances.distance(
                      RepresentationDistance.COSINE,
                      student.forward(images, false).features(),
                      teacher.forward(images, false).features())
                  .mean()
                  .getFloat()
              > 1e-4,
          "independently initialized networks differ");
      student.save(dir.resolve("pretrained.params"));
      teacher.load(dir.resolve("pretrained.params"));
      assertEquals(
          0,
          RepresentationDistances.distance(
                  RepresentationDistance.COSINE,
                  student.forward(images, false).features(),
                  teacher.forward(images, false).features())
              .max()
              .getFloat(),
          1e-5);
    }
  }

  @Test
  void noisyReplaySwitchesExactlyTheExamplesPastTheThreshold() {
    NDArray teacher = atAngles(0, 0, 0, 0, 0, 0);
    NDArray student = atAngles(10, 30, 37.4, 37.6, 90, 170);
    float[] drifted =
        AdversarialObjective.driftedExamples(student, teacher, 37.5)
            .toType(DataType.FLOAT32, false)
            .toFloatArray();
    assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, drifted);
  }

  @Test
  void noisyExamplesAreCleanPlusBoundedNoiseInsideThePixelBox() {
    NDArray images =
        manager.randomUniform(0, 1, new Shape(16, 1, 28, 28)).mul(1.4).sub(0.2).clip(0, 1);
    NDArray noisy = AdversarialObjective.noisyExamples(images, 0.1);
    assertTrue(noisy.sub(images).abs().max().getFloat() <= 0.1 + 1e-6);
    assertTrue(noisy.min().getFloat() >= 0 && noisy.max().getFloat() <= 1);
    assertTrue(noisy.sub(images).abs().mean().getFloat() > 0.02, "noise is really added");
  }

  @Test
  void objectiveReportsTheSwitchRateItApplied(@TempDir Path dir) throws Exception {
    NDArray images = manager.randomUniform(0, 1, new Shape(16, 1, 28, 28));
    NDArray labels = manager.randomInteger(0, 10, new Shape(16), DataType.INT64);
    PgdAttack attack = new PgdAttack(0.1, 0.05, 2, PgdAttack.Start.UNIFORM);
    try (Network student = TinyData.smallCnn(manager);
        Network teacher = TinyData.smallCnn(manager)) {
      student.save(dir.resolve("same.params"));
      teacher.load(dir.resolve("same.params"));
      teacher.setFrozen(true);
      var rgkd = new AdversarialObjective.Rgkd(1.0, RepresentationDistance.COSINE);
      StepMetrics unchanged =
          new AdversarialObjective(attack, teacher, rgkd, 37.5)
              .computeGradients(student, images, labels, Backpropagation::run);
      assertEquals(
          0, unchanged.noisyReplaySwitched(), "a student equal to its teacher has not drifted");
      new dev.arrest.trainer.optim.SgdOptimizer(student.parameters(), 0, 0, false, manager)
          .step(0.5);
      StepMetrics all =
          new AdversarialObjective(attack, teacher, rgkd, 1e-3)
              .computeGradients(student, images, labels, Backpropagation::run);
      assertEquals(
          16, all.noisyReplaySwitched(), "after an update, phi ~ 0 switches every example");
      assertTrue(all.rgkdSum() > 0, "the student sees adversarial inputs, the teacher clean ones");
      assertNotEquals(all.lossSum(), all.crossEntropySum(), "RGKD is part of the loss");
    }
  }
}
