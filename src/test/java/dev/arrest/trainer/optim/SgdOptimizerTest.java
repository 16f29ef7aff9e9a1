package dev.arrest.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SgdOptimizerTest {
  private static final float[] X = {2f, -1f};

  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /**
   * y = w.x + b with w = (0.5, -0.25), b = 0.1; the loss is y itself, so dL/dw = x and dL/db = 1.
   */
  private Linear linear() {
    Linear linear = Linear.builder().setUnits(1).build();
    linear.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
    parameter(linear, "weight").getArray().set(new float[] {0.5f, -0.25f});
    parameter(linear, "bias").getArray().set(new float[] {0.1f});
    return linear;
  }

  private static Parameter parameter(Linear linear, String name) {
    return linear.getParameters().get(name);
  }

  private void backward(Linear linear) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray x = manager.create(X, new Shape(1, 2));
      NDList out = linear.forward(new ParameterStore(manager, false), new NDList(x), true);
      collector.backward(out.singletonOrThrow().sum());
    }
  }

  @Test
  void followsPytorchsRuleWithMomentumAndWeightDecay() {
    Linear linear = linear();
    List<Pair<String, Parameter>> parameters = linear.getParameters().stream().toList();
    SgdOptimizer sgd = new SgdOptimizer(parameters, 0.9, 0.1, false, manager);
    double lr = 0.5;
    double[] w = {0.5, -0.25};
    double[] buffer = new double[2];
    for (int step = 0; step < 3; step++) {
      backward(linear);
      sgd.step(lr);
      for (int i = 0; i < 2; i++) {
        double g = X[i] + 0.1 * w[i];
        buffer[i] = step == 0 ? g : 0.9 * buffer[i] + g;
        w[i] -= lr * buffer[i];
      }
      assertArrayEquals(
          new float[] {(float) w[0], (float) w[1]},
          parameter(linear, "weight").getArray().toFloatArray(),
          1e-5f,
          "step " + step);
    }
  }

  @Test
  void nesterovLooksAhead() {
    Linear linear = linear();
    SgdOptimizer sgd =
        new SgdOptimizer(linear.getParameters().stream().toList(), 0.9, 0, true, manager);
    backward(linear);
    sgd.step(0.1);
    backward(linear);
    sgd.step(0.1);
    // b: g = 1 each step; buf1 = 1, b1 = 0.1 - 0.1 * (1 + 0.9 * 1); buf2 = 1.9, b2 = b1 - 0.1 * (1
    // + 0.9 * 1.9)
    double b1 = 0.1 - 0.1 * 1.9;
    double b2 = b1 - 0.1 * (1 + 0.9 * 1.9);
    assertEquals(b2, parameter(linear, "bias").getArray().getFloat(), 1e-6);
  }

  @Test
  void zeroesGradientsAfterTheUpdate() {
    Linear linear = linear();
    SgdOptimizer sgd =
        new SgdOptimizer(linear.getParameters().stream().toList(), 0.9, 0.1, false, manager);
    backward(linear);
    sgd.step(0.1);
    try (NDArray gradient = parameter(linear, "weight").getArray().getGradient()) {
      assertArrayEquals(new float[] {0, 0}, gradient.toFloatArray());
    }
  }

  @Test
  void restoredMomentumContinuesExactlyLikeAnUninterruptedRun() throws IOException {
    Linear uninterrupted = linear();
    SgdOptimizer first =
        new SgdOptimizer(uninterrupted.getParameters().stream().toList(), 0.9, 0.1, false, manager);
    backward(uninterrupted);
    first.step(0.2);
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    first.save(new DataOutputStream(state));
    float[] weightAfterOne = parameter(uninterrupted, "weight").getArray().toFloatArray();
    backward(uninterrupted);
    first.step(0.2);

    Linear resumed = linear();
    parameter(resumed, "weight").getArray().set(weightAfterOne);
    parameter(resumed, "bias").getArray().set(new float[] {(float) (0.1 - 0.2 * (1 + 0.1 * 0.1))});
    SgdOptimizer second =
        new SgdOptimizer(resumed.getParameters().stream().toList(), 0.9, 0.1, false, manager);
    second.load(new DataInputStream(new ByteArrayInputStream(state.toByteArray())));
    backward(resumed);
    second.step(0.2);
    assertArrayEquals(
        parameter(uninterrupted, "weight").getArray().toFloatArray(),
        parameter(resumed, "weight").getArray().toFloatArray(),
        1e-6f);
  }

  @Test
  void refusesStateOfAnotherModel() throws IOException {
    Linear linear = linear();
    SgdOptimizer sgd =
        new SgdOptimizer(linear.getParameters().stream().toList(), 0.9, 0, false, manager);
    backward(linear);
    sgd.step(0.1);
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    sgd.save(new DataOutputStream(state));
    Linear wider = Linear.builder().setUnits(3).build();
    wider.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
    SgdOptimizer other =
        new SgdOptimizer(wider.getParameters().stream().toList(), 0.9, 0, false, manager);
    IOException e =
        assertThrows(
            IOException.class,
            () -> other.load(new DataInputStream(new ByteArrayInputStream(state.toByteArray()))));
    assertEquals(true, e.getMessage().contains("shape"), e.getMessage());
  }
}
