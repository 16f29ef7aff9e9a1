package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-process data parallelism over several devices, in the manner of {@code
 * torch.nn.DataParallel}: one replica of a {@link Network} per device, the first (the primary)
 * being the model the optimizer updates and checkpoints save ({@link DataParallelModel}).
 *
 * <p>A forward pass splits the batch into contiguous shards, as equal as possible, moves each to
 * its replica's device, runs the replicas and gathers logits and features back onto the first
 * device in batch order. Splitting, the moves and the gathering are differentiable, so the losses,
 * attacks and evaluation written for one device run unchanged: under the one gradient collector DJL
 * allows, a single backward pass of the full-batch loss reaches every replica (input gradients for
 * the attacks, parameter gradients for the training step). One thread launches every shard's
 * kernels; CUDA runs them asynchronously, so the devices can work on their shards at the same time.
 *
 * <p>{@link #applyUpdate} sums the replicas' parameter gradients onto the primary, applies the
 * update there and copies the updated parameters back to every replica, so replicas stay equal. The
 * loss is the mean over the whole batch, so the summed gradient is the one-device gradient.
 *
 * <p>Batch normalization: in training mode each replica normalizes its shard with the shard's own
 * batch statistics (as {@code torch.nn.DataParallel}); after each update every replica's running
 * mean and variance are set to the shard-size-weighted average of the replicas' running values.
 * Because the running-statistics update is linear in the batch statistic, the running mean is then
 * exactly the one-device running mean; the running variance is the average of the shard variances,
 * which leaves out the spread between shard means. Models without batch normalization (small-cnn)
 * compute exactly the one-device step; with dropout the masks are drawn per shard, so they differ
 * from a one-device run's masks in value, not in distribution.
 */
public final class DataParallelNetwork extends DataParallelModel<Network> {
  private final Device primaryDevice;

  /** Shard sizes of the training-mode forward passes since the last update, for the BN average. */
  private long[] trainingShardSizes;

  /**
   * Replicates {@code primary} onto the other devices.
   *
   * @param devices the devices to use; the first must be the primary's
   */
  public DataParallelNetwork(Network primary, List<Device> devices) {
    super(replicate(primary, devices), devices);
    this.primaryDevice = primary.device();
    copyParametersToReplicas();
  }

  private static List<Network> replicate(Network primary, List<Device> devices) {
    if (devices.isEmpty() || !devices.get(0).equals(primary.device())) {
      throw new IllegalArgumentException(
          "the first device must be the primary model's "
              + primary.device()
              + ", found devices "
              + devices);
    }
    List<Network> replicas = new ArrayList<>();
    replicas.add(primary);
    for (Device device : devices.subList(1, devices.size())) {
      replicas.add(primary.replicaOn(device));
    }
    return replicas;
  }

  /** The replicas, the primary first. */
  public List<Network> replicas() {
    return replicas;
  }

  @Override
  void forwarded(long[] sizes, boolean training) {
    if (!training) {
      return;
    }
    if (trainingShardSizes == null) {
      trainingShardSizes = new long[replicas.size()];
    }
    for (int k = 0; k < sizes.length; k++) {
      trainingShardSizes[k] += sizes[k];
    }
  }

  /** Averages the running statistics, then copies every parameter from the primary. */
  @Override
  void synchronizeReplicas(List<List<Parameter>> byReplica) {
    averageRunningStatistics(byReplica);
    copyParametersToReplicas();
    trainingShardSizes = null;
  }

  @Override
  void synchronizeAfterLoad() {
    copyParametersToReplicas();
  }

  /**
   * Sets the batch-norm running statistics of every replica to their shard-size-weighted average.
   */
  private void averageRunningStatistics(List<List<Parameter>> byReplica) {
    if (trainingShardSizes == null) {
      return;
    }
    double total = 0;
    for (long size : trainingShardSizes) {
      total += size;
    }
    for (int p = 0; p < byReplica.get(0).size(); p++) {
      Parameter primary = byReplica.get(0).get(p);
      if (!isRunningStatistic(primary)) {
        continue;
      }
      try (NDManager scratch = primary.getArray().getManager().newSubManager()) {
        NDArray average =
            scratch.zeros(primary.getArray().getShape(), primary.getArray().getDataType());
        for (int k = 0; k < replicas.size(); k++) {
          if (trainingShardSizes[k] == 0) {
            continue;
          }
          NDArray running = byReplica.get(k).get(p).getArray();
          NDArray onPrimary = running.toDevice(primaryDevice, true);
          onPrimary.attach(scratch);
          average.addi(onPrimary.muli((float) (trainingShardSizes[k] / total)));
        }
        InPlace.copyInto(primary.getArray(), average);
      }
    }
  }

  private static boolean isRunningStatistic(Parameter parameter) {
    return parameter.getType() == Parameter.Type.RUNNING_MEAN
        || parameter.getType() == Parameter.Type.RUNNING_VAR;
  }
}
