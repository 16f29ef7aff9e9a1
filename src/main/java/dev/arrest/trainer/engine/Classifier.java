package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDArray;

/**
 * What attacks and the robustness evaluation need from a model: a forward pass on pixels in [0, 1]
 * and a switch that stops parameters from taking gradients. Implemented by this trainer's {@link
 * Network} and by imported TorchScript classifiers.
 */
public interface Classifier extends AutoCloseable {

  /**
   * Runs the model on float32 images [B, C, H, W] in [0, 1]. With {@code training=false} the model
   * is in eval mode (running batch-norm statistics, no dropout) and, inside a gradient collector,
   * still differentiable with respect to the images, which is what gradient-based attacks rely on.
   * The features may be null for models that do not expose their representation.
   */
  Outputs forward(NDArray images, boolean training);

  /**
   * Frozen parameters take no gradient, so an attack's backward pass computes input gradients only.
   */
  void setFrozen(boolean frozen);

  /** Number of logits. */
  int numClasses();

  /** Frees the model's native memory. */
  @Override
  void close();
}
