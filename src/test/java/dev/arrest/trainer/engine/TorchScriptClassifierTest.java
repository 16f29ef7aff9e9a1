package dev.arrest.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arrest.trainer.attack.Apgd;
import dev.arrest.trainer.attack.AttackBatch;
import dev.arrest.trainer.attack.AttackDiagnostics;
import dev.arrest.trainer.attack.ExampleRandom;
import dev.arrest.trainer.attack.ThreatModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TorchScript route against PyTorch's own numbers (src/test/resources/torchscript/generate.py):
 * eval-mode outputs with the running batch-norm statistics, and input gradients in eval mode, which
 * DJL's plain forward cannot give.
 */
class TorchScriptClassifierTest {
  private static final Shape IMAGE = new Shape(1, 28, 28);

  private NDManager manager;
  private JsonNode reference;

  static Path resource(String name) {
    try {
      return Path.of(TorchScriptClassifierTest.class.getResource("/torchscript/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    manager = NDManager.newBaseManager();
    reference = new ObjectMapper().readTree(resource("bn_cnn_reference.json").toFile());
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private NDArray input() {
    return manager.linspace(0f, 1f, 2 * 784).reshape(2, 1, 28, 28);
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }

  @Test
  void evalModeOutputsMatchPyTorch() {
    try (TorchScriptClassifier model =
        TorchScriptClassifier.load(resource("bn_cnn.pt"), manager, IMAGE)) {
      Outputs outputs = model.forward(input(), false);
      assertArrayEquals(
          floats(reference.get("evalLogits")), outputs.logits().toFloatArray(), 1e-5f);
      assertEquals(10, model.numClasses());
      assertTrue(model.returnsFeatures());
      assertEquals(
          new Shape(2, reference.get("featureDimension").asInt()), outputs.features().getShape());
      // The batch-statistics outputs differ, so matching the eval ones really means the running
      // statistics were used.
      assertFalse(
          java.util.Arrays.equals(
              floats(reference.get("trainModeLogits")), outputs.logits().toFloatArray()));
    }
  }

  /**
   * Every call, not only the first: bn_cnn's 4-channel convolution is one whose input gradients
   * oneDNN gets wrong on AVX2 and AVX-512 CPUs, on AVX-512 differently from call to call ({@link
   * OneDnnConvolutions}).
   */
  @Test
  void inputGradientsInEvalModeMatchPyTorch() {
    try (TorchScriptClassifier model =
        TorchScriptClassifier.load(resource("bn_cnn.pt"), manager, IMAGE)) {
      JsonNode expected = reference.get("gradientOfLogit3");
      for (int call = 0; call < 10; call++) {
        NDArray x = input();
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(model.forward(x, false).logits().get(":, 3").sum());
        }
        float[] gradient = x.getGradient().toFloatArray();
        double absSum = 0;
        for (float g : gradient) {
          absSum += Math.abs(g);
        }
        assertEquals(
            expected.get("absSum").asDouble(),
            absSum,
            1e-4 * expected.get("absSum").asDouble(),
            "call " + call);
        for (int i = 0; i < expected.get("indices").size(); i++) {
          assertEquals(
              expected.get("values").get(i).asDouble(),
              gradient[expected.get("indices").get(i).asInt()],
              1e-6,
              "call " + call);
        }
      }
    }
  }

  @Test
  void anAttackLeavesTheModuleAsItFoundIt() {
    try (TorchScriptClassifier model =
        TorchScriptClassifier.load(resource("bn_cnn.pt"), manager, IMAGE)) {
      NDArray x = input();
      float[] before = model.forward(x, false).logits().toFloatArray();
      long[] labels = model.forward(x, false).logits().argMax(1).toLongArray();
      AttackBatch batch =
          new AttackBatch(x, manager.create(labels), new int[] {0, 1}, new AttackDiagnostics());
      Apgd.builder()
          .setLoss(Apgd.Loss.CROSS_ENTROPY)
          .setThreatModel(ThreatModel.linf(0.1))
          .setRandom(new ExampleRandom(0))
          .optIterations(5)
          .build()
          .perturb(model, batch);
      // Running statistics unchanged (no train-mode pass), and no weight gradient was computed.
      assertArrayEquals(before, model.forward(x, false).logits().toFloatArray());
      for (Pair<String, Parameter> parameter : model.parameters()) {
        NDArray weight = parameter.getValue().getArray();
        assertFalse(weight.hasGradient(), parameter.getKey());
      }
      assertEquals(0, batch.diagnostics().zeroGradientExamples());
    }
  }

  @Test
  void aModuleReturningLogitsOnlyHasNoFeatures() {
    try (TorchScriptClassifier model =
        TorchScriptClassifier.load(resource("linear.pt"), manager, IMAGE)) {
      assertFalse(model.returnsFeatures());
      Outputs outputs = model.forward(input(), false);
      assertEquals(new Shape(2, 10), outputs.logits().getShape());
      assertEquals(null, outputs.features());
    }
  }

  @Test
  void aMissingFileOrAWrongInputShapeIsExplained() {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> TorchScriptClassifier.load(Path.of("no-such-model.pt"), manager, IMAGE));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    assertThrows(
        RuntimeException.class,
        () -> TorchScriptClassifier.load(resource("bn_cnn.pt"), manager, new Shape(3, 32, 32)));
  }

  @Test
  void aFileThatIsNotTorchScriptIsExplainedWithoutLibtorchsBacktrace(@TempDir Path dir)
      throws IOException {
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    for (Path notAModule :
        List.of(
            Files.writeString(dir.resolve("notes.pt"), "this is a text file\n"),
            Files.write(dir.resolve("random.pt"), random))) {
      IllegalArgumentException error =
          assertThrows(
              IllegalArgumentException.class,
              () -> TorchScriptClassifier.load(notAModule, manager, IMAGE));
      String message = error.getMessage();
      assertTrue(message.contains(notAModule.toAbsolutePath().toString()), message);
      assertTrue(message.contains("is not a TorchScript module libtorch can load"), message);
      assertTrue(message.contains("torch.jit.save(torch.jit.script(model), path)"), message);
      assertEquals(1, message.lines().count(), "one line, no C++ backtrace: " + message);
    }
  }

  @Test
  void aModuleThatDoesNotReturnLogitsOrRejectsTheImagesIsExplained() {
    Path imagesBack = resource("images_back.pt");
    IllegalArgumentException notLogits =
        assertThrows(
            IllegalArgumentException.class,
            () -> TorchScriptClassifier.load(imagesBack, manager, IMAGE));
    assertTrue(notLogits.getMessage().contains(imagesBack.toString()), notLogits.getMessage());
    assertTrue(
        notLogits.getMessage().contains("must return logits [B, classes]")
            && notLogits.getMessage().contains("it returned (2, 1, 28, 28)"),
        notLogits.getMessage());

    Path cnn = resource("bn_cnn.pt");
    IllegalArgumentException wrongImages =
        assertThrows(
            IllegalArgumentException.class,
            () -> TorchScriptClassifier.load(cnn, manager, new Shape(3, 32, 32)));
    assertTrue(
        wrongImages.getMessage().contains(cnn + " fails on float32 images (2, 3, 32, 32)"),
        wrongImages.getMessage());
    assertEquals(1, wrongImages.getMessage().lines().count(), wrongImages.getMessage());
  }
}
