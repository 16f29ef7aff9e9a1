package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.arrest.trainer.testing.ForwardingTrainableClassifier;

/**
 * One model that forwards a batch shard by shard in training mode, so that batch norm sees each
 * shard's statistics; the gradients of both shards accumulate in its one set of parameters.
 */
final class GhostBatches extends ForwardingTrainableClassifier {
  private final long[] sizes;

  GhostBatches(TrainableClassifier network, long[] sizes) {
    super(network);
    this.sizes = sizes;
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    if (!training) {
      return delegate.forward(images, false);
    }
    NDList logits = new NDList();
    NDList features = new NDList();
    long start = 0;
    for (long size : sizes) {
      Outputs out = delegate.forward(images.get(new NDIndex("{}:{}", start, start + size)), true);
      logits.add(out.logits());
      features.add(out.features());
      start += size;
    }
    boolean hasFeatures = features.stream().allMatch(f -> f != null);
    return new Outputs(
        NDArrays.concat(logits, 0), hasFeatures ? NDArrays.concat(features, 0) : null);
  }
}
