package dev.arrest.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.testing.Trainings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The platform fields the operator checks before the first Job; each problem names its field. */
class PlatformValidatorTest {
  private static final OperatorSettings SETTINGS =
      OperatorSettings.defaults().withDefaultClaimName("arrest-data");

  private static ArrestTrainingSpec spec() {
    return Trainings.fashionMnist("t").getSpec();
  }

  @Test
  void severalGpusAreFineForTorchScriptAndThisTrainersModels() {
    // Finetuning and evaluating a TorchScript module are data parallel like this trainer's models.
    ArrestTrainingSpec torchScript = spec();
    torchScript.pretraining.torchScriptModel = "models/resnet.pt";
    torchScript.resources.finetune.gpus = 4;
    torchScript.resources.evaluate.gpus = 4;
    ArrestTrainingSpec checkpoint = spec();
    checkpoint.pretraining.checkpoint = "models/pretrained.params";
    checkpoint.resources.finetune.gpus = 4;

    assertEquals(List.of(), PlatformValidator.validate(torchScript, SETTINGS));
    assertEquals(List.of(), PlatformValidator.validate(checkpoint, SETTINGS));
  }

  @Test
  void aMissingClaimIsNamedWithItsFix() {
    ArrestTrainingSpec spec = spec();
    spec.storage.claimName = null;
    assertEquals(
        List.of(
            "spec.storage.claimName: required: the stages hand the model over through a"
                + " PersistentVolumeClaim; name one here, or start the operator with"
                + " --default-claim-name"),
        PlatformValidator.validate(spec, OperatorSettings.defaults()));
  }
}
