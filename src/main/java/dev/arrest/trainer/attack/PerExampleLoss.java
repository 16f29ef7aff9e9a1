package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;

/** A loss per example [B] computed from logits [B, classes]; attacks maximize it. */
@FunctionalInterface
interface PerExampleLoss {
  NDArray of(NDArray logits);
}
