package dev.arrest.trainer.engine;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * Data-parallel finetuning of a user's TorchScript module: one copy of the module per device, the
 * first (the primary) being the one the optimizer updates and checkpoints save. Forward passes and
 * the gradient reduction are those of every {@link DataParallelModel}.
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
public final class DataParallelTorchScript extends DataParallelModel<TorchScriptClassifier> {

  /** Whether replicas must be replaced by copies of the primary module, not just its parameters. */
  private final boolean copiesWholeModule;

  /**
   * @param replicas the same module file loaded once per device (with {@link
   *     TorchScriptClassifier#loadTrainable} to finetune it, {@link TorchScriptClassifier#load} for
   *     a frozen teacher), in the order of {@code devices}; this object closes them
   */
  public DataParallelTorchScript(List<TorchScriptClassifier> replicas, List<Device> devices) {
    super(replicas, devices);
    if (replicas.size() < 2) {
      throw new IllegalArgumentException("need at least two devices, found " + devices);
    }
    this.copiesWholeModule = replicas.get(0).trainingChangesEvalOutputs();
  }

  @Override
  void synchronizeReplicas(List<List<Parameter>> byReplica) {
    if (copiesWholeModule) {
      copyModuleToReplicas();
    } else {
      copyParametersToReplicas();
    }
  }

  @Override
  void synchronizeAfterLoad() {
    copyModuleToReplicas();
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
}
