package dev.arrest.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.ParameterList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The block against a hand-written pre-activation residual block built from functional ops. */
class PreActBasicBlockTest {

  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @ParameterizedTest(name = "{0}->{1} stride {2}")
  @CsvSource({"8, 8, 1, false", "8, 16, 1, true", "8, 16, 2, true", "8, 8, 2, true"})
  void matchesTheReferenceFormula(int in, int out, int stride, boolean projected) {
    Engine.getInstance().setRandomSeed(21);
    PreActBasicBlock block = new PreActBasicBlock(in, out, stride, Layers.HE_NORMAL_FAN_OUT);
    Shape inputShape = new Shape(2, in, 6, 6);
    block.initialize(manager, DataType.FLOAT32, inputShape);
    ParameterStore store = new ParameterStore(manager, false);
    // A training step moves the running statistics away from (0, 1), so BN is not an identity.
    block.forward(store, new NDList(manager.randomNormal(inputShape).mul(3).add(1)), true);
    NDArray x = manager.randomNormal(inputShape);

    NDArray actual = block.forward(store, new NDList(x), false).head();

    ParameterList p = block.getParameters();
    NDArray preActivated = Activation.relu(batchNorm(x, p, "01inputNorm"));
    NDArray shortcut =
        projected
            ? Conv2d.conv2d(
                    preActivated,
                    p.get("05projection_weight").getArray(),
                    null,
                    new Shape(stride, stride))
                .head()
            : x;
    NDArray h =
        Conv2d.conv2d(
                preActivated,
                p.get("02conv1_weight").getArray(),
                null,
                new Shape(stride, stride),
                new Shape(1, 1))
            .head();
    h = Activation.relu(batchNorm(h, p, "03innerNorm"));
    NDArray expected =
        Conv2d.conv2d(h, p.get("04conv2_weight").getArray(), null, new Shape(1, 1), new Shape(1, 1))
            .head()
            .add(shortcut);

    assertEquals(projected, block.hasProjection());
    assertEquals(expected.getShape(), actual.getShape());
    assertEquals(block.getOutputShapes(new Shape[] {inputShape})[0], actual.getShape());
    assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), 1e-5f);
  }

  private static NDArray batchNorm(NDArray x, ParameterList p, String name) {
    return BatchNorm.batchNorm(
            x,
            p.get(name + "_runningMean").getArray(),
            p.get(name + "_runningVar").getArray(),
            p.get(name + "_gamma").getArray(),
            p.get(name + "_beta").getArray(),
            1,
            0.9f,
            1e-5f,
            false)
        .head();
  }
}
