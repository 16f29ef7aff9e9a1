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
 * What single-process data parallelism shares for every kind of trainable model: one replica per
 * device, the first (the primary) being the model the optimizer updates and checkpoints save; the
 * sharded forward pass ({@link ShardedForward}); and an update that sums the replicas' gradients
 * onto the primary and applies it there. How replicas are made equal to the primary again is the
 * subclass's: {@link DataParallelNetwork} for this trainer's models, {@link
 * DataParallelTorchScript} for a user's TorchScript module.
 */
abstract class DataParallelModel<R extends TrainableClassifier> implements TrainableClassifier {
  final List<R> replicas;
  final List<Device> devices;

  /**
   * @param replicas one per device, in the order of {@code devices}, the primary first; this object
   *     closes them
   */
  DataParallelModel(List<R> replicas, List<Device> devices) {
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
    Outputs out = ShardedForward.forward(replicas, devices, images, training, sizes);
    forwarded(sizes, training);
    return out;
  }

  /** Called after every forward pass with its shard sizes. */
  void forwarded(long[] sizes, boolean training) {}

  /**
   * Adds every replica's parameter gradients onto the primary's and zeroes the replicas', runs the
   * update on the primary, then {@link #synchronizeReplicas}. The losses are means over the whole
   * batch, so the summed gradient is the one-device gradient.
   */
  @Override
  public final void applyUpdate(Runnable update) {
    List<List<Parameter>> byReplica = parametersByReplica();
    for (int p = 0; p < byReplica.get(0).size(); p++) {
      NDArray primary = byReplica.get(0).get(p).getArray();
      if (!primary.hasGradient()) {
        continue;
      }
      try (NDArray sum = primary.getGradient()) {
        for (int k = 1; k < byReplica.size(); k++) {
          NDArray replica = byReplica.get(k).get(p).getArray();
          if (!replica.hasGradient()) {
            continue;
          }
          try (NDArray gradient = replica.getGradient()) {
            InPlace.addOnto(sum, gradient);
            gradient.subi(gradient);
          }
        }
      }
    }
    update.run();
    synchronizeReplicas(byReplica);
  }

  /**
   * Makes every replica compute what the updated primary computes.
   *
   * @param byReplica {@link #parametersByReplica} as the update found them
   */
  abstract void synchronizeReplicas(List<List<Parameter>> byReplica);

  /** Makes every replica compute what the primary computes after it loaded a file. */
  abstract void synchronizeAfterLoad();

  /** Copies every parameter of the primary into the replicas' arrays, in place. */
  final void copyParametersToReplicas() {
    List<List<Parameter>> byReplica = parametersByReplica();
    for (int k = 1; k < byReplica.size(); k++) {
      for (int p = 0; p < byReplica.get(0).size(); p++) {
        InPlace.copyInto(byReplica.get(k).get(p).getArray(), byReplica.get(0).get(p).getArray());
      }
    }
  }

  /** The replicas' parameters, in the same order for every replica (checked by name). */
  final List<List<Parameter>> parametersByReplica() {
    List<List<Parameter>> result = new ArrayList<>(replicas.size());
    List<String> names = null;
    for (R replica : replicas) {
      List<Pair<String, Parameter>> parameters = replica.parameters();
      List<String> replicaNames = parameters.stream().map(Pair::getKey).toList();
      if (names == null) {
        names = replicaNames;
      } else if (!names.equals(replicaNames)) {
        throw new IllegalStateException("replicas of " + description() + " differ in parameters");
      }
      result.add(parameters.stream().map(Pair::getValue).toList());
    }
    return result;
  }

  @Override
  public List<List<Pair<String, Parameter>>> replicaParameters() {
    parametersByReplica(); // checks that the replicas list the same parameters
    return replicas.stream().map(TrainableClassifier::parameters).toList();
  }

  @Override
  public List<Pair<String, Parameter>> parameters() {
    return replicas.get(0).parameters();
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
  public NDManager manager() {
    return replicas.get(0).manager();
  }

  @Override
  public String description() {
    return replicas.get(0).description()
        + ", data parallel on "
        + devices.stream().map(Device::toString).collect(Collectors.joining(", "));
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
    synchronizeAfterLoad();
  }

  /** Closes the replicas, then the primary. */
  @Override
  public void close() {
    for (int k = replicas.size() - 1; k >= 0; k--) {
      replicas.get(k).close();
    }
  }
}
