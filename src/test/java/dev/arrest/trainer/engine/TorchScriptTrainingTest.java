package dev.arrest.trainer.engine;

import static dev.arrest.trainer.engine.TorchScriptClassifierTest.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.train.Backpropagation;
import dev.arrest.trainer.train.CleanObjective;
import dev.arrest.trainer.train.StepMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training a TorchScript module with this trainer's loop pieces, against PyTorch's own SGD steps on
 * the same module (src/test/resources/torchscript/generate.py, train_step_reference).
 */
class TorchScriptTrainingTest {
  private static final Shape IMAGE = new Shape(1, 28, 28);

  @TempDir Path directory;
  private NDManager manager;
  private JsonNode reference;

  @BeforeEach
  void setUp() throws IOException {
    manager = NDManager.newBaseManager();
    reference = new ObjectMapper().readTree(resource("bn_cnn_train_step_reference.json").toFile());
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private NDArray input() {
    return manager.linspace(0f, 1f, 4 * 784).reshape(4, 1, 28, 28);
  }

  private NDArray labels() {
    JsonNode labels = reference.get("labels");
    long[] values = new long[labels.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = labels.get(i).asLong();
    }
    return manager.create(values);
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }

  /** Two steps as TrainingLoop takes them: clean objective, backpropagation, SGD update. */
  private void trainTwoSteps(TorchScriptClassifier model) {
    SgdOptimizer optimizer =
        new SgdOptimizer(
            model::parameters,
            reference.get("momentum").asDouble(),
            reference.get("weightDecay").asDouble(),
            false,
            manager);
    NDArray x = input();
    NDArray y = labels();
    for (int step = 0; step < 2; step++) {
      StepMetrics metrics =
          new CleanObjective().computeGradients(model, x, y, Backpropagation::run);
      assertEquals(
          reference.get("losses").get(step).asDouble(),
          metrics.lossSum() / 4,
          1e-5,
          "cross-entropy at step " + step);
      optimizer.step(reference.get("learningRate").asDouble());
    }
  }

  @Test
  void sgdStepsInTrainModeMatchPyTorch() {
    try (TorchScriptClassifier model =
        TorchScriptClassifier.loadTrainable(resource("bn_cnn.pt"), manager, IMAGE)) {
      trainTwoSteps(model);
      // Eval-mode logits afterwards depend on the updated weights and on the running statistics
      // the train-mode passes updated inside the module.
      assertArrayEquals(
          floats(reference.get("evalLogitsAfter")),
          model.forward(input(), false).logits().toFloatArray(),
          1e-4f);
    }
  }

  @Test
  void theSavedModuleIsTorchScriptWithTheTrainedWeightsAndStatistics() throws IOException {
    Path saved = directory.resolve("model.pt");
    float[] trained;
    try (TorchScriptClassifier model =
        TorchScriptClassifier.loadTrainable(resource("bn_cnn.pt"), manager, IMAGE)) {
      trainTwoSteps(model);
      trained = model.forward(input(), false).logits().toFloatArray();
      model.save(saved);
    }
    assertTrue(Files.size(saved) > 0);
    try (TorchScriptClassifier reloaded = TorchScriptClassifier.load(saved, manager, IMAGE)) {
      assertArrayEquals(trained, reloaded.forward(input(), false).logits().toFloatArray());
      assertTrue(reloaded.returnsFeatures());
    }
    assertFalse(
        Files.list(directory).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")),
        "no staging file left behind");
  }

  @Test
  void loadReplacesTheModuleAndItsParameterArrays() throws IOException {
    Path saved = directory.resolve("model.pt");
    try (TorchScriptClassifier original =
        TorchScriptClassifier.loadTrainable(resource("bn_cnn.pt"), manager, IMAGE)) {
      original.save(saved);
    }
    try (TorchScriptClassifier model =
        TorchScriptClassifier.loadTrainable(resource("bn_cnn.pt"), manager, IMAGE)) {
      float[] before = model.forward(input(), false).logits().toFloatArray();
      trainTwoSteps(model);
      var trainedParameters = model.parameters();
      model.load(saved);
      assertArrayEquals(before, model.forward(input(), false).logits().toFloatArray());
      assertNotEquals(trainedParameters, model.parameters(), "callers must ask again");
      for (Pair<String, Parameter> parameter : model.parameters()) {
        assertTrue(
            parameter.getValue().getArray().hasGradient(),
            "still trainable: " + parameter.getKey());
      }
      trainTwoSteps(model);
      assertArrayEquals(
          floats(reference.get("evalLogitsAfter")),
          model.forward(input(), false).logits().toFloatArray(),
          1e-4f,
          "training continues on the reloaded module");
      assertThrows(IOException.class, () -> model.load(resource("linear.pt").resolveSibling("x")));
    }
  }

  @Test
  void freezingSwitchesGradientsOfATrainableModuleOnly() {
    try (TorchScriptClassifier trainable =
            TorchScriptClassifier.loadTrainable(resource("bn_cnn.pt"), manager, IMAGE);
        TorchScriptClassifier evaluated =
            TorchScriptClassifier.load(resource("bn_cnn.pt"), manager, IMAGE)) {
      trainable.setFrozen(true);
      trainable.parameters().forEach(p -> assertFalse(p.getValue().getArray().hasGradient()));
      trainable.setFrozen(false);
      trainable.parameters().forEach(p -> assertTrue(p.getValue().getArray().hasGradient()));
      evaluated.setFrozen(false);
      evaluated.parameters().forEach(p -> assertFalse(p.getValue().getArray().hasGradient()));
      assertEquals("model.pt", trainable.modelFileName());
      assertEquals(
          "TorchScript module 1x28x28 -> 10 classes (with features)", trainable.description());
    }
  }
}
