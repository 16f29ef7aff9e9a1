package dev.arrest.trainer.model;

import static dev.arrest.trainer.model.ModelFixtures.forward;
import static dev.arrest.trainer.model.ModelFixtures.images;
import static dev.arrest.trainer.model.ModelFixtures.initialized;
import static dev.arrest.trainer.model.ModelFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelCheckpointIOTest {

  @TempDir Path directory;

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
  void roundTripReproducesEvalLogitsAndRunningStatistics(String architecture) throws IOException {
    RepresentationClassifier trained = trainedLooking(architecture, 1);
    NDArray x = images(trained, manager, 2, 3);
    float[] expected = forward(trained, manager, x, false).get(0).toFloatArray();
    Path file = directory.resolve("model.params");

    ModelCheckpointIO.save(trained, file);
    RepresentationClassifier restored = trainedLooking(architecture, 2);
    float[] before = forward(restored, manager, x, false).get(0).toFloatArray();
    assertFalse(Arrays.equals(expected, before));
    ModelCheckpointIO.load(restored, manager, file);

    assertArrayEquals(expected, forward(restored, manager, x, false).get(0).toFloatArray());
    Map<String, float[]> saved = snapshot(trained, p -> true);
    Map<String, float[]> loaded = snapshot(restored, p -> true);
    assertEquals(saved.keySet(), loaded.keySet());
    saved.forEach((name, values) -> assertArrayEquals(values, loaded.get(name), name));
  }

  @Test
  void loadsIntoAModelThatWasNeverInitialized() throws IOException {
    RepresentationClassifier trained = trainedLooking(Models.WIDE_RESNET, 1);
    Path file = directory.resolve("wrn.params");
    ModelCheckpointIO.save(trained, file);
    RepresentationClassifier fresh = ModelFixtures.small(Models.WIDE_RESNET, 3, 32);

    ModelCheckpointIO.load(fresh, manager, file);

    NDArray x = images(trained, manager, 2, 4);
    assertArrayEquals(
        forward(trained, manager, x, false).get(0).toFloatArray(),
        forward(fresh, manager, x, false).get(0).toFloatArray());
  }

  @Test
  void aParameterStoreThatRanBeforeTheLoadSeesTheLoadedValues() throws IOException {
    // A trainer's ParameterStore caches parameter arrays on first use; restoring a checkpoint
    // mid-run must still take effect through it.
    RepresentationClassifier source = trainedLooking(Models.WIDE_RESNET, 1);
    Path file = directory.resolve("best.params");
    ModelCheckpointIO.save(source, file);
    RepresentationClassifier running = trainedLooking(Models.WIDE_RESNET, 2);
    ParameterStore store = new ParameterStore(manager, false);
    NDArray x = images(source, manager, 2, 6);
    running.forward(store, new NDList(x), false);

    ModelCheckpointIO.load(running, manager, file);

    assertArrayEquals(
        forward(source, manager, x, false).get(0).toFloatArray(),
        running.forward(store, new NDList(x), false).get(0).toFloatArray());
  }

  @Test
  void loadedParametersCanBeTrainedAgain() throws IOException {
    Path file = directory.resolve("cnn.params");
    ModelCheckpointIO.save(trainedLooking(Models.SMALL_CNN, 1), file);
    RepresentationClassifier restored = trainedLooking(Models.SMALL_CNN, 2);

    ModelCheckpointIO.load(restored, manager, file);

    for (Pair<String, Parameter> entry : restored.getParameters()) {
      assertTrue(entry.getValue().getArray().hasGradient(), entry.getKey());
    }
  }

  @Test
  void loadingIntoAnotherArchitectureFailsNamingTheFile() throws IOException {
    Path file = directory.resolve("small-cnn.params");
    ModelCheckpointIO.save(trainedLooking(Models.SMALL_CNN, 1), file);
    RepresentationClassifier other = trainedLooking(Models.WIDE_RESNET, 2);
    Map<String, float[]> before = snapshot(other, p -> true);

    IncompatibleCheckpointException error =
        assertThrows(
            IncompatibleCheckpointException.class,
            () -> ModelCheckpointIO.load(other, manager, file));

    assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
    assertTrue(error.getMessage().contains("small-cnn"), error.getMessage());
    Map<String, float[]> after = snapshot(other, p -> true);
    before.forEach((name, values) -> assertArrayEquals(values, after.get(name), name));
  }

  @Test
  void loadingIntoTheSameArchitectureWithOtherShapesFails() throws IOException {
    Path file = directory.resolve("wrn-10-2.params");
    ModelCheckpointIO.save(trainedLooking(Models.WIDE_RESNET, 1), file);
    RepresentationClassifier wider =
        Models.builder()
            .setArchitecture(Models.WIDE_RESNET)
            .setImageShape(3, 32, 32)
            .setNumClasses(10)
            .optDepth(10)
            .optWidenFactor(4)
            .build();

    IncompatibleCheckpointException error =
        assertThrows(
            IncompatibleCheckpointException.class,
            () -> ModelCheckpointIO.load(wider, manager, file));

    assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
  }

  @Test
  void rejectsAFileThatIsNotACheckpoint() throws IOException {
    Path file = directory.resolve("notes.txt");
    Files.writeString(file, "not parameters");

    IncompatibleCheckpointException error =
        assertThrows(
            IncompatibleCheckpointException.class,
            () -> ModelCheckpointIO.load(trainedLooking(Models.SMALL_CNN, 1), manager, file));

    assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
  }

  @Test
  void rejectsATruncatedCheckpoint() throws IOException {
    Path file = directory.resolve("cut.params");
    ModelCheckpointIO.save(trainedLooking(Models.SMALL_CNN, 1), file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));

    IncompatibleCheckpointException error =
        assertThrows(
            IncompatibleCheckpointException.class,
            () -> ModelCheckpointIO.load(trainedLooking(Models.SMALL_CNN, 2), manager, file));

    assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
  }

  @Test
  void aCorruptParameterStreamLeavesTheModelUntouched() throws IOException {
    Path file = directory.resolve("corrupt.params");
    ModelCheckpointIO.save(trainedLooking(Models.SMALL_CNN, 1), file);
    byte[] bytes = Files.readAllBytes(file);
    // Cut inside the last parameters, past the header: only the DJL stream is damaged.
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 8));
    RepresentationClassifier model = trainedLooking(Models.SMALL_CNN, 2);
    Map<String, float[]> before = snapshot(model, p -> true);

    assertThrows(
        IncompatibleCheckpointException.class, () -> ModelCheckpointIO.load(model, manager, file));

    Map<String, float[]> after = snapshot(model, p -> true);
    before.forEach((name, values) -> assertArrayEquals(values, after.get(name), name));
  }

  @Test
  void aModelWithTheSameDescriptionButOtherShapesIsRejectedByTheManifest() throws IOException {
    Path file = directory.resolve("probe.params");
    RepresentationClassifier narrow = initialized(new Probe(8), manager, 1);
    ModelCheckpointIO.save(narrow, file);
    RepresentationClassifier wide = initialized(new Probe(16), manager, 2);
    assertEquals(narrow.description(), wide.description());

    IncompatibleCheckpointException error =
        assertThrows(
            IncompatibleCheckpointException.class,
            () -> ModelCheckpointIO.load(wide, manager, file));

    assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
    assertTrue(error.getMessage().contains("(16"), error.getMessage());
  }

  @Test
  void detectsAFlippedBitInAWeight() throws IOException {
    Path file = directory.resolve("flipped.params");
    ModelCheckpointIO.save(trainedLooking(Models.SMALL_CNN, 1), file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 8 - 3] ^= 0x10; // inside the head's last bias, before the checksum
    Files.write(file, bytes);

    IncompatibleCheckpointException error =
        assertThrows(
            IncompatibleCheckpointException.class,
            () -> ModelCheckpointIO.load(trainedLooking(Models.SMALL_CNN, 2), manager, file));

    assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
  }

  @Test
  void rejectsTrailingBytes() throws IOException {
    Path file = directory.resolve("long.params");
    ModelCheckpointIO.save(trainedLooking(Models.SMALL_CNN, 1), file);
    Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

    assertThrows(
        IncompatibleCheckpointException.class,
        () -> ModelCheckpointIO.load(trainedLooking(Models.SMALL_CNN, 2), manager, file));
  }

  @Test
  void saveReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
    Path file = directory.resolve("checkpoints").resolve("latest.params");
    RepresentationClassifier first = trainedLooking(Models.SMALL_CNN, 1);
    RepresentationClassifier second = trainedLooking(Models.SMALL_CNN, 2);
    ModelCheckpointIO.save(first, file);

    ModelCheckpointIO.save(second, file);

    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList());
    }
    RepresentationClassifier restored = trainedLooking(Models.SMALL_CNN, 3);
    ModelCheckpointIO.load(restored, manager, file);
    NDArray x = images(second, manager, 2, 5);
    assertArrayEquals(
        forward(second, manager, x, false).get(0).toFloatArray(),
        forward(restored, manager, x, false).get(0).toFloatArray());
  }

  @Test
  void refusesToSaveAnUninitializedModel() {
    RepresentationClassifier fresh = ModelFixtures.small(Models.SMALL_CNN, 1, 28);
    Path file = directory.resolve("empty.params");

    assertThrows(IllegalStateException.class, () -> ModelCheckpointIO.save(fresh, file));
    assertFalse(Files.exists(file));
  }

  /** A tiny classifier whose description does not reveal its hidden width. */
  private static final class Probe extends RepresentationClassifier {
    private final int hidden;

    Probe(int hidden) {
      super(
          new InputNormalization(new float[] {0f}, new float[] {1f}),
          new SequentialBlock()
              .add(Blocks.batchFlattenBlock())
              .add(Linear.builder().setUnits(hidden).build()),
          new Shape(1, 2, 2),
          hidden,
          2);
      this.hidden = hidden;
    }

    @Override
    public String architecture() {
      return "probe";
    }

    @Override
    public RepresentationClassifier freshCopy() {
      return new Probe(hidden);
    }
  }

  /** A model whose BatchNorm running statistics have moved away from their initial values. */
  private RepresentationClassifier trainedLooking(String architecture, int seed) {
    RepresentationClassifier model =
        initialized(ModelFixtures.small(architecture, 3, 32), manager, seed);
    forward(model, manager, images(model, manager, 4, 100 + seed), true);
    return model;
  }
}
