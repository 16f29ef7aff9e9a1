package dev.arrest.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void aTorchScriptFinetuningGetsNoGpusItWouldLeaveIdle() {
    ArrestTrainingSpec spec = spec();
    spec.pretraining.torchScriptModel = "models/resnet.pt";
    spec.resources.finetune.gpus = 4;

    List<String> problems = PlatformValidator.validate(spec, SETTINGS);

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems
            .get(0)
            .startsWith(
                "spec.resources.finetune.gpus: finetuning a TorchScript module"
                    + " (spec.pretraining.torchScriptModel) runs on one device, so the finetune"
                    + " Job would hold 3 idle GPUs"),
        problems.get(0));
  }

  @Test
  void oneGpuForATorchScriptFinetuningAndManyForThisTrainersModelsAreFine() {
    ArrestTrainingSpec torchScript = spec();
    torchScript.pretraining.torchScriptModel = "models/resnet.pt";
    torchScript.resources.finetune.gpus = 1;
    torchScript.resources.evaluate.gpus = 4; // evaluation of a TorchScript module is data parallel
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
