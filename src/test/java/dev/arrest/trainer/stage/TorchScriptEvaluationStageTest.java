package dev.arrest.trainer.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.engine.Devices;
import dev.arrest.trainer.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate stage on a user's TorchScript model, end to end on the first Fashion-MNIST test
 * images.
 */
class TorchScriptEvaluationStageTest {
  @TempDir Path output;

  @Test
  void evaluatesATorchScriptModelAndKeepsItsAdversarialExamples() throws Exception {
    Path model = Path.of(getClass().getResource("/torchscript/bn_cnn.pt").toURI());
    ArrestTraining training = training(model);
    try (NDManager manager = NDManager.newBaseManager()) {
      RunLayout layout = new RunLayout(output);
      StageResult result =
          StageExecutor.run(
              Stage.EVALUATE, new StageContext(training, layout, manager, ProgressListener.NONE));
      assertEquals(StageStatus.SUCCEEDED, result.status, result.message);
      assertEquals(20, result.evaluation.samples());
      assertEquals(2, result.evaluation.attacks().size());
      assertEquals("apgd-ce-10", result.evaluation.attacks().get(0).name());
      assertTrue(result.evaluation.robustAccuracy() <= result.evaluation.standardAccuracy());
      assertEquals(model.toString(), result.artifacts.get("model"));
      Path examples = output.resolve(result.artifacts.get("adversarialExamples"));
      assertTrue(Files.isRegularFile(examples), examples.toString());
      StageResult written =
          ResultsJson.parse(
              Files.readString(layout.stageResult(Stage.EVALUATE)), StageResult.class);
      assertEquals(result.evaluation, written.evaluation);
    }
  }

  @Test
  void evaluatesDataParallelOnTwoReplicasAsOnOneDevice() throws Exception {
    Path model = Path.of(getClass().getResource("/torchscript/bn_cnn.pt").toURI());
    StageResult single = evaluate(training(model), output.resolve("single"));
    StageResult parallel;
    System.setProperty(Devices.PROPERTY, "cpu,cpu");
    try {
      parallel = evaluate(training(model), output.resolve("parallel"));
    } finally {
      System.clearProperty(Devices.PROPERTY);
    }

    assertEquals(StageStatus.SUCCEEDED, parallel.status, parallel.message);
    // Up to float summation order, which can move an example sitting on a decision boundary.
    assertEquals(
        single.evaluation.standardAccuracy(), parallel.evaluation.standardAccuracy(), 0.051);
    assertEquals(single.evaluation.robustAccuracy(), parallel.evaluation.robustAccuracy(), 0.051);
  }

  private static StageResult evaluate(ArrestTraining training, Path out) {
    try (NDManager manager = NDManager.newBaseManager()) {
      return StageExecutor.run(
          Stage.EVALUATE,
          new StageContext(training, new RunLayout(out), manager, ProgressListener.NONE));
    }
  }

  private static ArrestTraining training(Path model) {
    return ArrestTrainingDocuments.parse(
        """
        apiVersion: arrest.dev/v1alpha1
        kind: ArrestTraining
        metadata:
          name: scripted
        spec:
          dataset:
            name: fashion-mnist
          model:
            architecture: small-cnn
          finetuning:
            method: arrest
          evaluation:
            samples: 20
            batchSize: 8
            epsilon: 0.1
            torchScriptModel: %s
            attacks:
              - {type: apgd-ce, steps: 10}
              - {type: square, steps: 50}
        """
            .formatted(model),
        "test");
  }
}
