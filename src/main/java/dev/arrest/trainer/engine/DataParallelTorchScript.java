package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Data-parallel finetuning of a user's TorchScript module: one copy of the module per device, the
 * first (the primary) being the one the optimizer updates and checkpoints save. Forward passes and
 * the gradient reduction are those of {@link DataParallelNetwork}.
 *
 * <p>What differs is how replicas are kept equal. A module whose eval-mode outputs do not depend on
 * its training-mode passes (no running statistics) gets the primary's updated parameters copied in
 * place, as the trainer's own models do. A module with running state (batch-norm statistics) cannot
 * be synchronized that way: DJL reaches a TorchScript module's parameters but not its buffers. So
 * after each update every replica is replaced by a copy of the primary module, serialized in memory
 * and mapped onto the replica's device, and the running statistics are those the primary's shard
 * gives, as in {@code torch.nn.DataParallel} (whose replicas' buffer updates are lost, except those
 * of device 0); the trainer's own models average every shard's instead. That copy writes and reads
 * the whole module once per extra device and update.
 */
public final class DataParallelTorchScript implements TrainableClassifier {
  private final List<TorchScriptClassifier> replicas;
  private final List<Device> devices;

  /** Whether replicas must be replaced by copies of the primary module, not just its parameters. */
  private final boolean copiesWholeModule;

  /**
   * @param replicas the same module file loaded once per device (with {@link
   *     TorchScriptClassifier#loadTrainable} to finetune it, {@link TorchScriptClassifier#load} for
   *     a frozen teacher), in the order of {@code devices}; this object closes them
   */
  public DataParallelTorchScript(List<TorchScriptClassifier> replicas, List<Device> devices) {
    if (replicas.size() != devices.size() || replicas.size() < 2) {
      throw new IllegalArgumentException(
          "need one replica per device and at least two, found "
              + replicas.size()
              + " for "
              + devices);
    }
    this.replicas = List.copyOf(replicas);
    this.devices = List.copyOf(devices);
    this.copiesWholeModule = this.replicas.get(0).trainingChangesEvalOutputs();
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    long[] sizes = ShardedForward.shardSizes(images.getShape().get(0), replicas.size());
    return ShardedForward.forward(replicas, devices, images, training, sizes);
  }

  /** Sums the replicas' gradients onto the primary, runs the update, then copies the primary. */
  @Override
  public void applyUpdate(Runnable update) {
    Replicas.sumOntoPrimary(parametersByReplica());
    update.run();
    copyPrimaryToReplicas();
  }

  /** Makes every replica compute what the primary computes. */
  private void copyPrimaryToReplicas() {
    if (copiesWholeModule) {
      copyModuleToReplicas();
      return;
    }
    List<List<Parameter>> byReplica = parametersByReplica();
    for (int k = 1; k < byReplica.size(); k++) {
      for (int p = 0; p < byReplica.get(0).size(); p++) {
        InPlace.copyInto(byReplica.get(k).get(p).getArray(), byReplica.get(0).get(p).getArray());
      }
    }
  }

  /** Replaces every replica by the primary module: parameters and buffers. */
  private void copyModuleToReplicas() {
    byte[] primary = replicas.get(0).moduleBytes();
    for (TorchScriptClassifier replica : replicas.subList(1, replicas.size())) {
      replica.replaceWith(primary);
    }
  }

  /** Whether updates copy the whole module to the replicas (it keeps running statistics). */
  boolean copiesWholeModule() {
    return copiesWholeModule;
  }

  private List<List<Parameter>> parametersByReplica() {
    return Replicas.byReplica(replicas, description());
  }

  @Override
  public List<List<Pair<String, Parameter>>> replicaParameters() {
    parametersByReplica(); // checks that the replicas list the same parameters
    return replicas.stream().map(TorchScriptClassifier::parameters).toList();
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
    copyModuleToReplicas();
  }

  /** Closes the replicas, then the primary. */
  @Override
  public void close() {
    for (int k = replicas.size() - 1; k >= 0; k--) {
      replicas.get(k).close();
    }
  }
}
