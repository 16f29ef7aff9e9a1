package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Single-process data parallelism over several devices, in the manner of {@code
 * torch.nn.DataParallel}: one replica of a {@link Network} per device, the first (the primary)
 * being the model the optimizer updates and checkpoints save.
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
public final class DataParallelNetwork implements TrainableClassifier {
  private final List<Network> replicas;
  private final List<Device> devices;
  private final Device primaryDevice;

  /** Shard sizes of the training-mode forward passes since the last update, for the BN average. */
  private long[] trainingShardSizes;

  /**
   * Replicates {@code primary} onto the other devices.
   *
   * @param devices the devices to use; the first must be the primary's
   */
  public DataParallelNetwork(Network primary, List<Device> devices) {
    if (devices.isEmpty() || !devices.get(0).equals(primary.device())) {
      throw new IllegalArgumentException(
          "the first device must be the primary model's "
              + primary.device()
              + ", found devices "
              + devices);
    }
    this.primaryDevice = primary.device();
    this.devices = List.copyOf(devices);
    this.replicas = new ArrayList<>();
    replicas.add(primary);
    for (Device device : devices.subList(1, devices.size())) {
      replicas.add(primary.replicaOn(device));
    }
    copyPrimaryToReplicas();
  }

  /** The replicas, the primary first. */
  public List<Network> replicas() {
    return List.copyOf(replicas);
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    long[] sizes = ShardedForward.shardSizes(images.getShape().get(0), replicas.size());
    Outputs out = ShardedForward.forward(replicas, devices, images, training, sizes);
    recordTrainingShards(sizes, training);
    return out;
  }

  private void recordTrainingShards(long[] sizes, boolean training) {
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

  /** Sums the replicas' gradients onto the primary, runs the update, then re-synchronizes. */
  @Override
  public void applyUpdate(Runnable update) {
    List<List<Parameter>> byReplica = parametersByReplica();
    Replicas.sumOntoPrimary(byReplica);
    update.run();
    averageRunningStatistics(byReplica);
    copyPrimaryToReplicas();
    trainingShardSizes = null;
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

  /** Copies every parameter (batch-norm running statistics included) from the primary. */
  private void copyPrimaryToReplicas() {
    List<List<Parameter>> byReplica = parametersByReplica();
    for (int k = 1; k < replicas.size(); k++) {
      for (int p = 0; p < byReplica.get(0).size(); p++) {
        InPlace.copyInto(byReplica.get(k).get(p).getArray(), byReplica.get(0).get(p).getArray());
      }
    }
  }

  private List<List<Parameter>> parametersByReplica() {
    return Replicas.byReplica(replicas, description());
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
  public List<Pair<String, Parameter>> parameters() {
    return replicas.get(0).parameters();
  }

  @Override
  public List<List<Pair<String, Parameter>>> replicaParameters() {
    parametersByReplica(); // checks that the replicas list the same parameters
    return replicas.stream().map(Network::parameters).toList();
  }

  @Override
  public NDManager manager() {
    return replicas.get(0).manager();
  }

  @Override
  public String description() {
    return replicas.get(0).description()
        + ", data parallel on "
        + replicas.stream().map(r -> r.device().toString()).collect(Collectors.joining(", "));
  }

  @Override
  public String modelFileName() {
    return replicas.get(0).modelFileName();
  }

  @Override
  public void save(Path file) throws IOException {
    replicas.get(0).save(file);
  }

  @Override
  public void load(Path file) throws IOException {
    replicas.get(0).load(file);
    copyPrimaryToReplicas();
  }

  /** Closes the replicas, then the primary. */
  @Override
  public void close() {
    for (int k = replicas.size() - 1; k >= 0; k--) {
      replicas.get(k).close();
    }
  }
}
