package dev.arrest.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelsTest {

  private static final float[] MEAN = {0.5f, 0.5f, 0.5f};
  private static final float[] STD = {0.25f, 0.25f, 0.25f};

  @Test
  void buildsEachArchitectureWithItsFeatureWidth() {
    RepresentationClassifier cnn = create(Models.SMALL_CNN, 0, 0, 3);
    RepresentationClassifier preAct = create(Models.PREACT_RESNET18, 0, 0, 3);
    RepresentationClassifier wide = create(Models.WIDE_RESNET, 34, 10, 3);

    assertInstanceOf(SmallCnn.class, cnn);
    assertInstanceOf(PreActResNet18.class, preAct);
    assertInstanceOf(WideResNet.class, wide);
    assertEquals(200, cnn.featureDimension());
    assertEquals(512, preAct.featureDimension());
    assertEquals(640, wide.featureDimension());
    assertEquals("wide-resnet-34-10 3x32x32 -> 10 classes", wide.description());
    assertEquals("preact-resnet18 3x32x32 -> 10 classes", preAct.description());
  }

  @ParameterizedTest
  @ValueSource(strings = {Models.SMALL_CNN, Models.PREACT_RESNET18, Models.WIDE_RESNET})
  void freshCopyIsAnUninitializedTwin(String architecture) {
    RepresentationClassifier original =
        Models.builder()
            .setArchitecture(architecture)
            .setImageShape(3, 32, 28)
            .setNumClasses(7)
            .optNormalization(MEAN, new float[] {0.2f, 0.3f, 0.4f})
            .optDepth(16)
            .optWidenFactor(2)
            .build();

    RepresentationClassifier copy = original.freshCopy();

    assertEquals(original.getClass(), copy.getClass());
    assertEquals(original.description(), copy.description());
    assertEquals(original.featureDimension(), copy.featureDimension());
    assertArrayEquals(original.normalization().mean(), copy.normalization().mean());
    assertArrayEquals(original.normalization().std(), copy.normalization().std());
    assertFalse(copy.isInitialized());
  }

  @Test
  void depthAndWidenAreIgnoredOutsideWideResNet() {
    assertEquals(Models.SMALL_CNN, create(Models.SMALL_CNN, 33, -1, 3).architecture());
  }

  @ParameterizedTest
  @ValueSource(ints = {33, 4, -2, 0})
  void rejectsWideResNetDepthsThatDoNotFitTheBlockLayout(int depth) {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> create(Models.WIDE_RESNET, depth, 10, 3));

    assertTrue(error.getMessage().contains("spec.model.depth"), error.getMessage());
    assertTrue(error.getMessage().contains(Integer.toString(depth)), error.getMessage());
  }

  @Test
  void rejectsNonPositiveWidenFactor() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> create(Models.WIDE_RESNET, 28, 0, 3));

    assertTrue(error.getMessage().contains("spec.model.widenFactor"), error.getMessage());
  }

  @Test
  void rejectsUnknownArchitectureListingTheKnownOnes() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> create("resnet50", 0, 0, 3));

    assertTrue(error.getMessage().contains("resnet50"), error.getMessage());
    assertTrue(error.getMessage().contains(Models.WIDE_RESNET), error.getMessage());
  }

  @Test
  void rejectsNormalizationConstantsForAnotherChannelCount() {
    assertThrows(IllegalArgumentException.class, () -> create(Models.SMALL_CNN, 0, 0, 1));
  }

  @Test
  void rejectsImagesTooSmallForSmallCnn() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Models.builder()
                .setArchitecture(Models.SMALL_CNN)
                .setImageShape(3, 15, 32)
                .setNumClasses(10)
                .optNormalization(MEAN, STD)
                .build());
  }

  @Test
  void rejectsNonPositiveClassCount() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Models.builder()
                .setArchitecture(Models.PREACT_RESNET18)
                .setImageShape(3, 32, 32)
                .setNumClasses(0)
                .optNormalization(MEAN, STD)
                .build());
  }

  private static RepresentationClassifier create(
      String architecture, int depth, int widen, int channels) {
    return Models.builder()
        .setArchitecture(architecture)
        .setImageShape(channels, 32, 32)
        .setNumClasses(10)
        .optNormalization(MEAN, STD)
        .optDepth(depth)
        .optWidenFactor(widen)
        .build();
  }
}
