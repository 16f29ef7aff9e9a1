package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/**
 * The forward pass of data parallelism: split a batch into contiguous shards, run each on its
 * replica's device, gather the outputs onto the first device in batch order. Every part is
 * differentiable, so one backward pass of a loss on the gathered outputs reaches every replica.
 */
final class ShardedForward {
  private ShardedForward() {}

  /**
   * Contiguous shard sizes for {@code batch} examples on {@code devices} devices: as equal as
   * possible, the first shards one larger; no empty shards (a batch smaller than the device count
   * uses fewer devices).
   */
  static long[] shardSizes(long batch, int devices) {
    int shards = (int) Math.max(1, Math.min(batch, devices));
    long[] sizes = new long[shards];
    for (int k = 0; k < shards; k++) {
      sizes[k] = batch / shards + (k < batch % shards ? 1 : 0);
    }
    return sizes;
  }

  /**
   * Runs shard k of {@code images} (of {@code sizes[k]} examples) through {@code replicas.get(k)}
   * on {@code devices.get(k)}; the outputs are on {@code devices.get(0)}.
   */
  static Outputs forward(
      List<? extends Classifier> replicas,
      List<Device> devices,
      NDArray images,
      boolean training,
      long[] sizes) {
    if (sizes.length == 1) {
      return replicas.get(0).forward(images, training);
    }
    Device first = devices.get(0);
    NDList logits = new NDList(sizes.length);
    NDList features = new NDList(sizes.length);
    long start = 0;
    for (int k = 0; k < sizes.length; k++) {
      NDArray shard =
          images.get(new NDIndex("{}:{}", start, start + sizes[k])).toDevice(devices.get(k), false);
      Outputs out = replicas.get(k).forward(shard, training);
      logits.add(out.logits().toDevice(first, false));
      features.add(out.features() == null ? null : out.features().toDevice(first, false));
      start += sizes[k];
    }
    boolean hasFeatures = features.stream().allMatch(f -> f != null);
    return new Outputs(
        NDArrays.concat(logits, 0), hasFeatures ? NDArrays.concat(features, 0) : null);
  }
}
