package dev.arrest.operator.reconciler;

import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.results.Stage;
import java.util.List;
import java.util.Optional;

/**
 * Which stages a training needs. A single run has all three stages; a sweep has the shared
 * pretraining here and each point's finetune and evaluate stages. Finetuning and evaluation always
 * run; pretraining only when nothing replaces it.
 */
public final class StagePlan {
  private StagePlan() {}

  /**
   * The training's own stages: all three for a single run, only the shared pretraining for a sweep.
   */
  public static List<Stage> ownStages(ArrestTrainingSpec spec) {
    return spec.sweep == null ? List.of(Stage.values()) : List.of(Stage.PRETRAIN);
  }

  /**
   * Why {@code stage} is not needed for {@code training} (with the spec to run), or empty when it
   * must run.
   */
  public static Optional<String> skipReason(ArrestTraining training, Stage stage) {
    if (stage != Stage.PRETRAIN) {
      return Optional.empty();
    }
    ArrestTrainingSpec spec = training.getSpec();
    if (!SweepPoints.needsPretrainedModel(training)) {
      return Optional.of(
          spec.sweep != null
              ? "every point of the sweep trains from scratch (initialization: scratch, the default"
                  + " of at and trades), so no pretrained model is needed"
              : "method "
                  + spec.finetuning.method
                  + " trains from scratch"
                  + " (spec.finetuning.initialization: scratch), so no pretrained model is needed");
    }
    if (spec.pretraining != null
        && spec.pretraining.importedModel() != null
        && !spec.pretraining.importedModel().isBlank()) {
      return Optional.of(
          spec.pretraining.importedModelField()
              + " is set: finetuning starts from "
              + spec.pretraining.importedModel());
    }
    return Optional.empty();
  }
}
