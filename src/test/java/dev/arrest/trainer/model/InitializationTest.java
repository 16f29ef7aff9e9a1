package dev.arrest.trainer.model;

import static dev.arrest.trainer.model.ModelFixtures.initialized;
import static dev.arrest.trainer.model.ModelFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InitializationTest {

  /** Below this many entries the sample std is too noisy to tell fan_in from fan_out. */
  private static final long MIN_SAMPLE = 2_000;

  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {Models.SMALL_CNN, Models.PREACT_RESNET18, Models.WIDE_RESNET})
  void sameSeedGivesTheSameParametersAndAnotherSeedDoesNot(String architecture) {
    Map<String, float[]> first =
        snapshot(initialized(ModelFixtures.small(architecture, 3, 32), manager, 7), p -> true);
    Map<String, float[]> again =
        snapshot(initialized(ModelFixtures.small(architecture, 3, 32), manager, 7), p -> true);
    Map<String, float[]> other =
        snapshot(initialized(ModelFixtures.small(architecture, 3, 32), manager, 8), p -> true);

    assertEquals(first.keySet(), again.keySet());
    first.forEach((name, values) -> assertArrayEquals(values, again.get(name), name));
    assertFalse(Arrays.equals(first.get(firstWeight(first)), other.get(firstWeight(first))));
  }

  @ParameterizedTest
  @ValueSource(strings = {Models.PREACT_RESNET18, Models.WIDE_RESNET})
  void residualNetworkConvolutionsAreHeNormalOverFanOut(String architecture) {
    RepresentationClassifier model =
        initialized(ModelFixtures.small(architecture, 3, 32), manager, 11);
    int checked = 0;
    for (Pair<String, Parameter> entry : model.getParameters()) {
      Shape shape = entry.getValue().getShape();
      if (shape.dimension() == 4 && shape.size() >= MIN_SAMPLE) {
        double fanOut = shape.get(0) * shape.get(2) * shape.get(3);
        assertStd(entry, Math.sqrt(2 / fanOut));
        checked++;
      }
    }
    assertTrue(checked > 3, "expected several convolutions, checked " + checked);
  }

  @Test
  void smallCnnConvolutionsAreHeNormalOverFanInWithZeroBias() {
    RepresentationClassifier model =
        initialized(ModelFixtures.small(Models.SMALL_CNN, 3, 32), manager, 12);
    int checked = 0;
    for (Pair<String, Parameter> entry : model.getParameters()) {
      Shape shape = entry.getValue().getShape();
      if (shape.dimension() == 4 && shape.size() >= MIN_SAMPLE) {
        double fanIn = shape.get(1) * shape.get(2) * shape.get(3);
        assertStd(entry, Math.sqrt(2 / fanIn));
        checked++;
      }
    }
    assertEquals(3, checked); // the first conv (3*32*9 = 864 weights) is too small to judge
  }

  @ParameterizedTest
  @ValueSource(strings = {Models.SMALL_CNN, Models.PREACT_RESNET18, Models.WIDE_RESNET})
  void linearLayersUsePyTorchsDefaultWeightsAndAllBiasesStartAtZero(String architecture) {
    RepresentationClassifier model =
        initialized(ModelFixtures.small(architecture, 3, 32), manager, 13);
    for (Pair<String, Parameter> entry : model.getParameters()) {
      Parameter parameter = entry.getValue();
      NDArray values = parameter.getArray();
      switch (parameter.getType()) {
        case BIAS, BETA, RUNNING_MEAN -> assertConstant(entry.getKey(), values, 0f);
        case GAMMA, RUNNING_VAR -> assertConstant(entry.getKey(), values, 1f);
        case WEIGHT -> {
          if (parameter.getShape().dimension() == 2) {
            double bound = 1 / Math.sqrt(parameter.getShape().get(1));
            assertTrue(values.abs().max().getFloat() <= bound, entry.getKey());
            assertStd(entry, bound / Math.sqrt(3)); // std of U(-b, b)
          }
        }
        default -> throw new AssertionError("unexpected parameter " + entry.getKey());
      }
    }
  }

  @Test
  void batchNormRunningStatisticsUsePyTorchsMomentumOfOneTenth() {
    BatchNorm batchNorm = Layers.batchNorm();
    Shape shape = new Shape(8, 3, 2, 2);
    batchNorm.initialize(manager, DataType.FLOAT32, shape);
    NDArray x = manager.randomNormal(2f, 3f, shape, DataType.FLOAT32);

    batchNorm.forward(new ParameterStore(manager, false), new NDList(x), true);

    NDArray perChannel = x.transpose(1, 0, 2, 3).reshape(3, -1);
    NDArray batchMean = perChannel.mean(new int[] {1});
    long n = perChannel.getShape().get(1);
    NDArray unbiasedVar =
        perChannel.sub(batchMean.reshape(3, 1)).square().sum(new int[] {1}).div(n - 1);
    ParameterList parameters = batchNorm.getParameters();
    assertArrayEquals(
        batchMean.mul(0.1f).toFloatArray(),
        parameters.get("runningMean").getArray().toFloatArray(),
        1e-5f);
    assertArrayEquals(
        unbiasedVar.mul(0.1f).add(0.9f).toFloatArray(),
        parameters.get("runningVar").getArray().toFloatArray(),
        1e-4f);
  }

  private static void assertStd(Pair<String, Parameter> entry, double expected) {
    float[] values = entry.getValue().getArray().toFloatArray();
    double sumSquares = 0;
    for (float v : values) {
      sumSquares += (double) v * v;
    }
    double std = Math.sqrt(sumSquares / values.length);
    assertEquals(expected, std, 0.1 * expected, entry.getKey() + " std");
  }

  private static void assertConstant(String name, NDArray values, float expected) {
    assertEquals(expected, values.min().getFloat(), name);
    assertEquals(expected, values.max().getFloat(), name);
  }

  private static String firstWeight(Map<String, float[]> parameters) {
    return parameters.keySet().stream().filter(k -> k.endsWith("weight")).findFirst().orElseThrow();
  }
}
