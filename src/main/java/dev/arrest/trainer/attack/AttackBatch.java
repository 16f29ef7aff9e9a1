package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;

/**
 * Examples to attack.
 *
 * @param images float32 [B, C, H, W] in [0, 1]
 * @param labels int64 [B], the true classes
 * @param exampleIds each example's index in the evaluation set; keys the per-example random streams
 * @param diagnostics where attacks report symptoms of unreliable gradients
 * @param progress receives the attack's progress within the batch
 */
public record AttackBatch(
    NDArray images,
    NDArray labels,
    int[] exampleIds,
    AttackDiagnostics diagnostics,
    AttackProgress progress) {

  /** A batch whose progress nobody watches. */
  public AttackBatch(
      NDArray images, NDArray labels, int[] exampleIds, AttackDiagnostics diagnostics) {
    this(images, labels, exampleIds, diagnostics, AttackProgress.NONE);
  }

  public AttackBatch {
    if (images.getShape().get(0) != exampleIds.length
        || labels.getShape().get(0) != exampleIds.length) {
      throw new IllegalArgumentException(
          "batch of "
              + exampleIds.length
              + " ids with images "
              + images.getShape()
              + " and labels "
              + labels.getShape());
    }
  }

  public int size() {
    return exampleIds.length;
  }
}
