package dev.arrest.trainer.stage;

import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.trainer.progress.ProgressListener;

/**
 * What every stage needs: the training document, where its files go, the manager to allocate on,
 * and a display.
 */
public record StageContext(
    ArrestTraining training, RunLayout layout, NDManager manager, ProgressListener progress) {

  public ArrestTrainingSpec spec() {
    return training.getSpec();
  }

  public String name() {
    return training.getMetadata().getName();
  }
}
