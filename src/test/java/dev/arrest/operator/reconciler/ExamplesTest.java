package dev.arrest.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The examples are valid documents for both the trainer and the operator; the cluster one trains
 * the quickstart.
 */
class ExamplesTest {
  @Test
  void theClusterExampleIsValidForTheTrainerAndTheOperator() {
    ArrestTraining training =
        ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-cluster.yaml"));

    assertEquals(
        List.of(), PlatformValidator.validate(training.getSpec(), OperatorSettings.defaults()));
    assertEquals(1, training.getSpec().resources.finetune.gpus);
  }

  @Test
  void theClusterExampleTrainsExactlyWhatTheQuickstartTrains() {
    ArrestTraining cluster =
        ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-cluster.yaml"));
    ArrestTraining quick =
        ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-quick.yaml"));
    for (var part :
        List.<java.util.function.Function<ArrestTrainingSpec, Object>>of(
            s -> s.seed,
            s -> s.dataset,
            s -> s.model,
            s -> s.pretraining,
            s -> s.finetuning,
            s -> s.evaluation)) {
      assertEquals(
          ResultsJson.toJson(part.apply(quick.getSpec())),
          ResultsJson.toJson(part.apply(cluster.getSpec())),
          "keep the cluster example's training in step with examples/fashion-mnist-quick.yaml");
    }
  }

  @Test
  void theLocalExampleNeedsOnlyAClaimToRunInACluster() {
    ArrestTraining training =
        ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-quick.yaml"));

    assertEquals(
        List.of(),
        PlatformValidator.validate(
            training.getSpec(), OperatorSettings.defaults().withDefaultClaimName("shared")));
  }

  @Test
  void theSweepExamplesRunInAClusterWithAClaimAndKnowWhetherTheyNeedPretraining() {
    ArrestTraining phi =
        ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-phi-sweep.yaml"));
    ArrestTraining methods =
        ArrestTrainingDocuments.read(Path.of("examples", "fashion-mnist-methods.yaml"));

    OperatorSettings settings = OperatorSettings.defaults().withDefaultClaimName("shared");
    assertEquals(List.of(), PlatformValidator.validate(phi.getSpec(), settings));
    assertEquals(List.of(), PlatformValidator.validate(methods.getSpec(), settings));
    assertEquals(Optional.empty(), StagePlan.skipReason(phi, Stage.PRETRAIN));
    assertEquals(
        Optional.empty(),
        StagePlan.skipReason(methods, Stage.PRETRAIN),
        "its aft and arrest points finetune the pretrained model");
  }
}
