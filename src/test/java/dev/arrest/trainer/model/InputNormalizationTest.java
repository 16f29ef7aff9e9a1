package dev.arrest.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InputNormalizationTest {

  private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
  private static final float[] STD = {0.2470f, 0.2435f, 0.2616f};
  private static final Shape INPUT = new Shape(2, 3, 4, 5);

  private NDManager manager;
  private InputNormalization normalization;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    normalization = new InputNormalization(MEAN, STD);
    normalization.initialize(manager, DataType.FLOAT32, INPUT);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void imageEqualToTheMeanBecomesZero() {
    float[] out = normalize(perChannelImage(MEAN)).toFloatArray();

    assertArrayEquals(new float[out.length], out);
  }

  @Test
  void meanPlusOneStdBecomesOnePerChannel() {
    float[] shifted = new float[3];
    for (int c = 0; c < 3; c++) {
      shifted[c] = MEAN[c] + STD[c];
    }
    NDArray out = normalize(perChannelImage(shifted));

    assertEquals(1f, out.min().getFloat(), 1e-5f);
    assertEquals(1f, out.max().getFloat(), 1e-5f);
  }

  @Test
  void eachChannelUsesItsOwnConstants() {
    Engine.getInstance().setRandomSeed(3);
    NDArray x = manager.randomUniform(0f, 1f, INPUT);
    NDArray expected =
        x.sub(manager.create(MEAN, new Shape(1, 3, 1, 1)))
            .div(manager.create(STD, new Shape(1, 3, 1, 1)));

    assertArrayEquals(expected.toFloatArray(), normalize(x).toFloatArray(), 1e-6f);
  }

  @Test
  void gradientWithRespectToPixelsIsOneOverStd() {
    // Attacks differentiate through the normalization; the in-place division must not break that.
    NDArray x = manager.randomUniform(0f, 1f, INPUT);
    x.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(normalize(x).sum());
    }
    NDArray expected = manager.ones(INPUT).div(manager.create(STD, new Shape(1, 3, 1, 1)));

    assertArrayEquals(expected.toFloatArray(), x.getGradient().toFloatArray(), 1e-5f);
  }

  @Test
  void survivesTheInputManagerBeingClosedBetweenCalls() {
    // The trainer creates each batch on a short-lived sub-manager; constants must not live there.
    float[] first;
    try (NDManager batch = manager.newSubManager()) {
      first = normalize(batch.ones(INPUT)).toFloatArray();
    }
    try (NDManager batch = manager.newSubManager()) {
      assertArrayEquals(first, normalize(batch.ones(INPUT)).toFloatArray());
    }
  }

  @Test
  void worksWithoutInitializeUsingTheParameterStoreManager() {
    InputNormalization fresh = new InputNormalization(MEAN, STD);
    float[] out =
        fresh
            .forward(new ParameterStore(manager, false), new NDList(perChannelImage(MEAN)), false)
            .head()
            .toFloatArray();

    assertArrayEquals(new float[out.length], out);
  }

  @Test
  void rebuildsConstantsWhenTheManagerItWasInitializedWithIsClosed() {
    InputNormalization block = new InputNormalization(MEAN, STD);
    try (NDManager shortLived = manager.newSubManager()) {
      block.initialize(shortLived, DataType.FLOAT32, INPUT);
    }
    float[] out =
        block
            .forward(new ParameterStore(manager, false), new NDList(perChannelImage(MEAN)), false)
            .head()
            .toFloatArray();

    assertArrayEquals(new float[out.length], out);
  }

  @Test
  void rejectsInvalidConstants() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new InputNormalization(new float[] {0.5f}, new float[] {0.2f, 0.2f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InputNormalization(new float[] {0.5f}, new float[] {0f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InputNormalization(new float[] {Float.NaN}, new float[] {1f}));
  }

  @Test
  void rejectsInputWithAnotherChannelCount() {
    InputNormalization block = new InputNormalization(MEAN, STD);

    assertThrows(
        IllegalArgumentException.class,
        () -> block.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 4, 4)));
  }

  private NDArray normalize(NDArray x) {
    return normalization.forward(new ParameterStore(manager, false), new NDList(x), false).head();
  }

  private NDArray perChannelImage(float[] values) {
    return manager.create(values, new Shape(1, 3, 1, 1)).broadcast(INPUT).duplicate();
  }
}
