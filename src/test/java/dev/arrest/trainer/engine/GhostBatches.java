package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;

/**
 * One model that forwards a batch shard by shard in training mode, so that batch norm sees each
 * shard's statistics; the gradients of both shards accumulate in its one set of parameters.
 */
final class GhostBatches implements TrainableClassifier {
  private final TrainableClassifier network;
  private final long[] sizes;

  GhostBatches(TrainableClassifier network, long[] sizes) {
    this.network = network;
    this.sizes = sizes;
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    if (!training) {
      return network.forward(images, false);
    }
    NDList logits = new NDList();
    NDList features = new NDList();
    long start = 0;
    for (long size : sizes) {
      Outputs out = network.forward(images.get(new NDIndex("{}:{}", start, start + size)), true);
      logits.add(out.logits());
      features.add(out.features());
      start += size;
    }
    boolean hasFeatures = features.stream().allMatch(f -> f != null);
    return new Outputs(
        NDArrays.concat(logits, 0), hasFeatures ? NDArrays.concat(features, 0) : null);
  }

  @Override
  public void setFrozen(boolean frozen) {
    network.setFrozen(frozen);
  }

  @Override
  public int numClasses() {
    return network.numClasses();
  }

  @Override
  public List<Pair<String, Parameter>> parameters() {
    return network.parameters();
  }

  @Override
  public NDManager manager() {
    return network.manager();
  }

  @Override
  public String description() {
    return network.description();
  }

  @Override
  public String modelFileName() {
    return network.modelFileName();
  }

  @Override
  public void save(java.nio.file.Path file) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void load(java.nio.file.Path file) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {
    network.close();
  }
}
