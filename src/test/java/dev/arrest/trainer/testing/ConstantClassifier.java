package dev.arrest.trainer.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.engine.Outputs;

/**
 * Ignores its input: every image gets the same logits. No attack can change a prediction, so robust
 * accuracy must equal clean accuracy exactly; its input gradient is exactly zero.
 */
public final class ConstantClassifier implements Classifier {
  private final NDManager manager;
  private final NDArray logits;

  public ConstantClassifier(NDManager parent, float... logits) {
    this.manager = parent.newSubManager();
    this.logits = manager.create(logits).reshape(1, logits.length);
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    // Multiply by zero rather than ignore the input, so that the output still depends on it for
    // autograd.
    NDArray zero = images.reshape(images.getShape().get(0), -1).sum(new int[] {1}, true).mul(0);
    return new Outputs(zero.add(logits), null);
  }

  @Override
  public void setFrozen(boolean frozen) {}

  @Override
  public int numClasses() {
    return (int) logits.getShape().get(1);
  }

  @Override
  public void close() {
    manager.close();
  }
}
