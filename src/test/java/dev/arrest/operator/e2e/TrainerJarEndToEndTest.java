package dev.arrest.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.operator.testing.TrainerCommand;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator driving the real trainer: each Job's container command runs target/arrest.jar (built
 * by {@code mvn package} on a branch that has the trainer) on a tiny Fashion-MNIST spec, on CPU.
 * Tagged e2e, so not in the default suite; see docs/operator.md for how to run it. Skipped when the
 * jar or the dataset is missing.
 */
@Tag("e2e")
class TrainerJarEndToEndTest {
  @TempDir Path volume;

  @Test
  void aTinyFashionMnistTrainingSucceedsWithRealResults() throws Exception {
    String missing = TrainerCommand.missingPrerequisite();
    assumeTrue(missing == null, missing);
    try (OperatorLoop loop = new OperatorLoop(volume)) {
      loop.startOperator();
      loop.kubelet.start(TrainerCommand::map);

      loop.client.resource(Trainings.fashionMnist("tiny")).inNamespace("ml").create();
      ArrestTraining training =
          loop.awaitTraining("ml", "tiny", OperatorLoop.finished(), Duration.ofMinutes(15));

      assertEquals(
          TrainingPhase.SUCCEEDED,
          training.getStatus().phase,
          () -> Serialization.asJson(training.getStatus()));
      double standard = training.getStatus().results.standardAccuracy;
      double robust = training.getStatus().results.robustAccuracy;
      System.out.printf(
          "operator + trainer jar, tiny Fashion-MNIST: standard accuracy %.4f, robust accuracy"
              + " %.4f%n",
          standard, robust);
      // 512 training images and 2 + 2 epochs beat chance (0.1) on Fashion-MNIST; robust cannot
      // exceed standard.
      assertTrue(standard > 0.2 && standard <= 1.0, "standard accuracy " + standard);
      assertTrue(robust >= 0.0 && robust <= standard, "robust accuracy " + robust);
      assertEquals(200, training.getStatus().results.samples);
      // The output directory is keyed on the training's uid (status.output.path).
      assertEquals("ml/tiny/" + training.getMetadata().getUid(), training.getStatus().output.path);
      assertTrue(
          Files.isRegularFile(
              volume
                  .resolve(training.getStatus().output.path)
                  .resolve("evaluate/stage-result.json")));
      assertTrue(
          loop.scrapeMetrics()
              .contains(
                  "arrest_training_standard_accuracy{namespace=\"ml\",name=\"tiny\",method=\"arrest\",}"
                      + " "
                      + standard));
    }
  }
}
