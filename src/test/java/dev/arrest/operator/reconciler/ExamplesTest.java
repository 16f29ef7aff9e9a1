package dev.arrest.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.results.ResultsJson;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster example is a valid document for both the trainer and the operator, and trains the quickstart. */
class ExamplesTest {
  @Test
  void theClusterExampleIsValidForTheTrainerAndTheOperator() {
    ArrestTraining training = ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-cluster.yaml"));

    assertEquals(List.of(), PlatformValidator.validate(training.getSpec(), OperatorSettings.defaults()));
    assertEquals(1, training.getSpec().resources.finetune.gpus);
  }

  @Test
  void theClusterExampleTrainsExactlyWhatTheQuickstartTrains() {
    ArrestTraining cluster = ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-cluster.yaml"));
    ArrestTraining quick = ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-quick.yaml"));
    for (var part : List.<java.util.function.Function<ArrestTrainingSpec, Object>>of(s -> s.seed, s -> s.dataset,
        s -> s.model, s -> s.pretraining, s -> s.finetuning, s -> s.evaluation)) {
      assertEquals(ResultsJson.toJson(part.apply(quick.getSpec())), ResultsJson.toJson(part.apply(cluster.getSpec())),
          "keep the cluster example's training in step with examples/fashion-mnist-quick.yaml");
    }
  }

  @Test
  void theLocalExampleNeedsOnlyAClaimToRunInACluster() {
    ArrestTraining training = ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-quick.yaml"));

    assertEquals(List.of(), PlatformValidator.validate(training.getSpec(),
        OperatorSettings.defaults().withDefaultClaimName("shared")));
  }
}
