package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Data-parallel forward passes over replicas of a classifier that is only evaluated (an imported
 * TorchScript model): each batch is split across the replicas' devices as in {@link
 * DataParallelNetwork}, whose training-time synchronization such a model does not need.
 */
public final class DataParallelClassifier implements Classifier {
  private final List<Classifier> replicas;
  private final List<Device> devices;

  /**
   * @param replicas the same model loaded once per device, in the order of {@code devices}
   */
  public DataParallelClassifier(List<Classifier> replicas, List<Device> devices) {
    if (replicas.size() != devices.size() || replicas.isEmpty()) {
      throw new IllegalArgumentException(
          "need one replica per device, found " + replicas.size() + " for " + devices);
    }
    this.replicas = List.copyOf(replicas);
    this.devices = List.copyOf(devices);
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    long[] sizes = ShardedForward.shardSizes(images.getShape().get(0), replicas.size());
    return ShardedForward.forward(replicas, devices, images, training, sizes);
  }

  @Override
  public void setFrozen(boolean frozen) {
    replicas.forEach(r -> r.setFrozen(frozen));
  }

  @Override
  public int numClasses() {
    return replicas.get(0).numClasses();
  }

  @Override
  public void close() {
    replicas.forEach(Classifier::close);
  }
}
