package dev.arrest.trainer.testing;

import ai.djl.ndarray.NDArray;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.engine.Outputs;
import java.util.ArrayList;
import java.util.List;

/** Records the batch size of every forward pass of the model it wraps. */
public final class CountingClassifier implements Classifier {
  private final Classifier model;
  private final List<Integer> batchSizes = new ArrayList<>();

  public CountingClassifier(Classifier model) {
    this.model = model;
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    batchSizes.add((int) images.getShape().get(0));
    return model.forward(images, training);
  }

  public List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }

  public long rows() {
    return batchSizes.stream().mapToLong(Integer::longValue).sum();
  }

  @Override
  public void setFrozen(boolean frozen) {
    model.setFrozen(frozen);
  }

  @Override
  public int numClasses() {
    return model.numClasses();
  }

  @Override
  public void close() {
    model.close();
  }
}
