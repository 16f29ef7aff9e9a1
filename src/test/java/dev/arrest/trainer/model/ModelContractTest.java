package dev.arrest.trainer.model;

import static dev.arrest.trainer.model.ModelFixtures.CLASSES;
import static dev.arrest.trainer.model.ModelFixtures.forward;
import static dev.arrest.trainer.model.ModelFixtures.images;
import static dev.arrest.trainer.model.ModelFixtures.initialized;
import static dev.arrest.trainer.model.ModelFixtures.isRunningStatistic;
import static dev.arrest.trainer.model.ModelFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.arrest.trainer.engine.OneDnnConvolutions;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The forward contract the trainer and the attacks rely on, for every architecture. */
class ModelContractTest {

  private static final int BATCH = 2;

  private NDManager manager;

  /** Every architecture on MNIST- and CIFAR-shaped input. */
  static Stream<Arguments> models() {
    return Models.ARCHITECTURES.stream()
        .flatMap(
            architecture ->
                Stream.of(Arguments.of(architecture, 1, 28), Arguments.of(architecture, 3, 32)));
  }

  /** Every architecture on the input it is typically trained on, for the costlier checks. */
  static Stream<Arguments> typicalModels() {
    return Stream.of(
        Arguments.of(Models.SMALL_CNN, 1, 28),
        Arguments.of(Models.PREACT_RESNET18, 3, 32),
        Arguments.of(Models.WIDE_RESNET, 3, 32));
  }

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @ParameterizedTest(name = "{0} on {1}x{2}x{2}")
  @MethodSource("models")
  void returnsLogitsAndFeaturesOfTheDeclaredShapes(String architecture, int channels, int side) {
    RepresentationClassifier model = model(architecture, channels, side);

    NDList out = forward(model, manager, images(model, manager, BATCH, 1), false);

    assertEquals(2, out.size());
    assertEquals(new Shape(BATCH, CLASSES), out.get(0).getShape());
    assertEquals(new Shape(BATCH, model.featureDimension()), out.get(1).getShape());
    assertEquals(CLASSES, model.numClasses());
    Shape[] declared = model.getOutputShapes(new Shape[] {model.inputShape(BATCH)});
    assertEquals(out.get(0).getShape(), declared[0]);
    assertEquals(out.get(1).getShape(), declared[1]);
  }

  @ParameterizedTest(name = "{0} on {1}x{2}x{2}")
  @MethodSource("models")
  void featuresAreExactlyWhatTheFinalLinearLayerSees(String architecture, int channels, int side) {
    RepresentationClassifier model = model(architecture, channels, side);
    NDList out = forward(model, manager, images(model, manager, BATCH, 2), false);
    NDArray logits = out.get(0);
    NDArray features = out.get(1);
    NDArray weight = model.head().getParameters().get("weight").getArray();
    NDArray bias = model.head().getParameters().get("bias").getArray();

    assertEquals(new Shape(CLASSES, model.featureDimension()), weight.getShape());
    NDArray recomputed = features.matMul(weight.transpose()).add(bias);
    assertArrayEquals(recomputed.toFloatArray(), logits.toFloatArray(), 1e-4f);
    // After the last ReLU (and pooling), never a pre-activation.
    assertTrue(features.min().getFloat() >= 0f, "features must be post-activation");
    assertTrue(features.max().getFloat() > 0f, "features must not be all zero");
  }

  @ParameterizedTest(name = "{0} on {1}x{2}x{2}")
  @MethodSource("typicalModels")
  void evalModeIsRepeatableAndLeavesRunningStatisticsAlone(
      String architecture, int channels, int side) {
    RepresentationClassifier model = model(architecture, channels, side);
    NDArray x = images(model, manager, BATCH, 3);
    Map<String, float[]> before = snapshot(model, ModelFixtures::isRunningStatistic);

    NDList first = forward(model, manager, x, false);
    NDList second = forward(model, manager, x, false);

    assertArrayEquals(first.get(0).toFloatArray(), second.get(0).toFloatArray());
    assertArrayEquals(first.get(1).toFloatArray(), second.get(1).toFloatArray());
    assertStatisticsEqual(before, snapshot(model, ModelFixtures::isRunningStatistic));
  }

  @ParameterizedTest(name = "{0} on {1}x{2}x{2}")
  @MethodSource("typicalModels")
  void trainingModeUsesBatchStatisticsAndUpdatesRunningStatistics(
      String architecture, int channels, int side) {
    RepresentationClassifier model = model(architecture, channels, side);
    NDArray x = images(model, manager, BATCH, 4);
    float[] evalLogits = forward(model, manager, x, false).get(0).toFloatArray();
    Map<String, float[]> before = snapshot(model, ModelFixtures::isRunningStatistic);

    float[] trainLogits = forward(model, manager, x, true).get(0).toFloatArray();

    // Batch statistics (or, for small-cnn, dropout) make training-mode output differ.
    assertFalse(Arrays.equals(evalLogits, trainLogits), "training=true must not be eval mode");
    Map<String, float[]> after = snapshot(model, ModelFixtures::isRunningStatistic);
    if (Models.SMALL_CNN.equals(architecture)) {
      assertTrue(before.isEmpty(), "small-cnn has no BatchNorm");
      return;
    }
    assertFalse(before.isEmpty());
    for (String name : before.keySet()) {
      assertFalse(
          Arrays.equals(before.get(name), after.get(name)), name + " must be updated in training");
    }
  }

  @ParameterizedTest(name = "{0} on {1}x{2}x{2}")
  @MethodSource("typicalModels")
  void pixelGradientFlowsInEvalMode(String architecture, int channels, int side) {
    RepresentationClassifier model = model(architecture, channels, side);
    NDArray x = images(model, manager, BATCH, 5);
    x.setRequiresGradient(true);

    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList out = forward(model, manager, x, false);
      collector.backward(out.get(0).get(":, 0").sum());
    }

    NDArray gradient = x.getGradient();
    assertTrue(Float.isFinite(gradient.abs().max().getFloat()));
    assertTrue(gradient.abs().sum().getFloat() > 0f, "attacks need a non-zero pixel gradient");
  }

  @ParameterizedTest(name = "{0} on {1}x{2}x{2}")
  @MethodSource("typicalModels")
  void everyTrainableParameterReceivesAGradient(String architecture, int channels, int side) {
    RepresentationClassifier model = model(architecture, channels, side);
    NDArray x = images(model, manager, BATCH, 6);
    NDArray labels = manager.create(new float[] {0, 1});

    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList out = forward(model, manager, x, true);
      collector.backward(
          Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), new NDList(out.get(0))));
    }

    for (Pair<String, Parameter> entry : model.getParameters()) {
      Parameter parameter = entry.getValue();
      if (isRunningStatistic(parameter)) {
        assertFalse(parameter.requiresGradient(), entry.getKey());
        continue;
      }
      assertTrue(parameter.requiresGradient(), entry.getKey());
      float magnitude = parameter.getArray().getGradient().abs().sum().getFloat();
      assertTrue(magnitude > 0f, entry.getKey() + " is cut off from the loss");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Models.SMALL_CNN, Models.PREACT_RESNET18, Models.WIDE_RESNET})
  void normalizesInsideTheModelSoCallersPassRawPixels(String architecture) {
    float[] mean = {0.49f, 0.48f, 0.45f};
    float[] std = {0.25f, 0.24f, 0.26f};
    RepresentationClassifier normalizing =
        initialized(wideResNet10x2(architecture).optNormalization(mean, std).build(), manager, 42);
    RepresentationClassifier identity =
        initialized(wideResNet10x2(architecture).build(), manager, 42);
    NDArray x = images(normalizing, manager, BATCH, 9);
    Shape channelShape = new Shape(1, 3, 1, 1);
    NDArray normalized =
        x.sub(manager.create(mean, channelShape)).div(manager.create(std, channelShape));

    float[] fromPixels = forward(normalizing, manager, x, false).get(0).toFloatArray();

    assertArrayEquals(
        forward(identity, manager, normalized, false).get(0).toFloatArray(), fromPixels, 1e-4f);
    assertFalse(
        Arrays.equals(forward(identity, manager, x, false).get(0).toFloatArray(), fromPixels));
  }

  /**
   * The trainer keeps libtorch's oneDNN convolutions on for its own models, which is only right
   * while none of their convolutions has a channel count oneDNN gets wrong (not a multiple of 16
   * with AVX-512 kernels, of 8 with AVX2 kernels, {@link OneDnnConvolutions}). Compared with
   * libtorch's own kernels over several calls, since the wrong gradients can change from call to
   * call. The build runs this test once with the machine's kernels and once with oneDNN capped at
   * AVX2 (the pom's surefire execution {@code onednn-avx2}), so an AVX-512 CI machine checks both.
   */
  @ParameterizedTest(name = "{0} on {1}x{2}x{2}")
  @MethodSource("models")
  void inputGradientsAreTheSameWithOneDnnConvolutionsAsWithout(
      String architecture, int channels, int side) {
    RepresentationClassifier model = model(architecture, channels, side);
    NDArray x = images(model, manager, BATCH, 1);
    boolean enabledBefore = OneDnnConvolutions.enabled();
    try {
      OneDnnConvolutions.setEnabled(false);
      float[] expected = inputGradientOfLogit3(model, x);
      float tolerance = 1e-4f * maxAbs(expected);
      OneDnnConvolutions.setEnabled(true);
      for (int call = 0; call < 5; call++) {
        assertArrayEquals(expected, inputGradientOfLogit3(model, x), tolerance, "call " + call);
      }
    } finally {
      OneDnnConvolutions.setEnabled(enabledBefore);
    }
  }

  private float[] inputGradientOfLogit3(RepresentationClassifier model, NDArray images) {
    NDArray x = images.duplicate();
    x.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(forward(model, manager, x, false).get(0).get(":, 3").sum());
    }
    return x.getGradient().toFloatArray();
  }

  private static float maxAbs(float[] values) {
    float max = 0;
    for (float value : values) {
      max = Math.max(max, Math.abs(value));
    }
    return max;
  }

  private RepresentationClassifier model(String architecture, int channels, int side) {
    return initialized(ModelFixtures.small(architecture, channels, side), manager, 42);
  }

  private static void assertStatisticsEqual(
      Map<String, float[]> expected, Map<String, float[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), name));
  }

  /** 3x32x32 images, depth 10 and widen factor 2 where the architecture takes them. */
  private static Models.Builder wideResNet10x2(String architecture) {
    return Models.builder()
        .setArchitecture(architecture)
        .setImageShape(3, 32, 32)
        .setNumClasses(CLASSES)
        .optDepth(10)
        .optWidenFactor(2);
  }
}
