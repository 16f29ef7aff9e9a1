package dev.arrest.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.OperatorSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster example is a valid document for both the trainer and the operator. */
class ExamplesTest {
  @Test
  void theClusterExampleIsValidForTheTrainerAndTheOperator() {
    ArrestTraining training = ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-cluster.yaml"));

    assertEquals(List.of(), PlatformValidator.validate(training.getSpec(), OperatorSettings.defaults()));
    assertEquals(1, training.getSpec().resources.finetune.gpus);
  }

  @Test
  void theLocalExampleNeedsOnlyAClaimToRunInACluster() {
    ArrestTraining training = ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-quick.yaml"));

    assertEquals(List.of(), PlatformValidator.validate(training.getSpec(),
        OperatorSettings.defaults().withDefaultClaimName("shared")));
  }
}
