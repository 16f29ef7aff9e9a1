package dev.arrest.trainer.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript file named by the spec that is not a module, or classifies into the wrong number of
 * classes, fails the stage with the spec field, the file and the fix.
 */
class TorchScriptInputFilesTest {
  @TempDir Path output;

  private static Path model(String name) throws Exception {
    return Path.of(TorchScriptInputFilesTest.class.getResource("/torchscript/" + name).toURI());
  }

  private static ArrestTraining spec(String field, Path torchScript) {
    String pretraining = field.equals("pretraining") ? "torchScriptModel: " + torchScript : "";
    String evaluation = field.equals("evaluation") ? "torchScriptModel: " + torchScript : "";
    return ArrestTrainingDocuments.parse(
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata:
          name: scripted
        spec:
          dataset: {name: fashion-mnist, trainSubset: 64}
          model: {architecture: small-cnn}
          pretraining: {%s}
          finetuning: {method: aft, epochs: 1, attack: {epsilon: 0.1, steps: 1}}
          evaluation:
            samples: 8
            %s
            attacks: [{type: pgd, steps: 1}]
        """
            .formatted(pretraining, evaluation),
        "test");
  }

  private StageResult run(Stage stage, ArrestTraining training) {
    try (NDManager manager = NDManager.newBaseManager()) {
      return StageExecutor.run(
          stage, new StageContext(training, new RunLayout(output), manager, ProgressListener.NONE));
    }
  }

  private static void assertFailed(StageResult result, String... parts) {
    assertEquals(StageStatus.FAILED, result.status, result.message);
    for (String part : parts) {
      assertTrue(result.message.contains(part), result.message);
    }
  }

  @Test
  void aTextFileIsNotATorchScriptModule() throws Exception {
    Path text = Files.writeString(output.resolve("model.pt"), "not a module\n");
    assertFailed(
        run(Stage.EVALUATE, spec("evaluation", text)),
        "spec.evaluation.torchScriptModel: ",
        text.toAbsolutePath() + " is not a TorchScript module",
        "torch.jit.save");
    assertFailed(
        run(Stage.FINETUNE, spec("pretraining", text)),
        "spec.pretraining.torchScriptModel: ",
        text.toAbsolutePath() + " is not a TorchScript module",
        "torch.jit.save");
  }

  @Test
  void aModuleWithTheWrongNumberOfClassesIsRefused() throws Exception {
    Path threeClasses = model("three_classes.pt");
    assertFailed(
        run(Stage.EVALUATE, spec("evaluation", threeClasses)),
        "spec.evaluation.torchScriptModel: " + threeClasses.toAbsolutePath(),
        "returns 3 logits, but fashion-mnist has 10 classes",
        "Give the module's last layer 10 outputs");
    assertFailed(
        run(Stage.FINETUNE, spec("pretraining", threeClasses)),
        "spec.pretraining.torchScriptModel: " + threeClasses.toAbsolutePath(),
        "returns 3 logits, but fashion-mnist has 10 classes");
  }
}
