package dev.arrest.operator.reconciler;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.Initialization;
import dev.arrest.results.Stage;
import java.util.Optional;

/** Which stages a spec needs. Finetuning and evaluation always run; pretraining only when nothing replaces it. */
public final class StagePlan {
  private StagePlan() {}

  /** Why {@code stage} is not needed for {@code spec}, or empty when it must run. */
  public static Optional<String> skipReason(ArrestTrainingSpec spec, Stage stage) {
    if (stage != Stage.PRETRAIN) {
      return Optional.empty();
    }
    if (spec.finetuning.effectiveInitialization() == Initialization.SCRATCH) {
      return Optional.of("method " + spec.finetuning.method + " trains from scratch"
          + " (spec.finetuning.initialization: scratch), so no pretrained model is needed");
    }
    if (spec.pretraining != null && spec.pretraining.checkpoint != null && !spec.pretraining.checkpoint.isBlank()) {
      return Optional.of("spec.pretraining.checkpoint is set: finetuning starts from "
          + spec.pretraining.checkpoint);
    }
    return Optional.empty();
  }
}
