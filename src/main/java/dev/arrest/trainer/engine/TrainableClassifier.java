package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A classifier the training loop can train, checkpoint and resume: this trainer's {@link Network}
 * or a user's TorchScript module ({@link TorchScriptClassifier#loadTrainable}).
 */
public interface TrainableClassifier extends Classifier {

  /**
   * The parameters that learn, by name. The list may be replaced by {@link #load}, so callers that
   * keep it across a load must ask again.
   */
  List<Pair<String, Parameter>> parameters();

  /**
   * The parameters of every copy of the model a forward pass runs through, in the same order as
   * {@link #parameters} (which is the first entry): one list for a single model, one per replica
   * for a data-parallel one. For changes that are not an SGD update, such as adversarial weight
   * perturbation, which must set the same weights on every replica.
   */
  default List<List<Pair<String, Parameter>>> replicaParameters() {
    return List.of(parameters());
  }

  /** The manager the model's parameters live under; batches are created under it too. */
  NDManager manager();

  /** One line for logs, e.g. "small-cnn 1x28x28 -> 10 classes". */
  String description();

  /** The model file's name in a stage directory: model.params, or model.pt for TorchScript. */
  String modelFileName();

  /** Writes the whole model (batch-norm running statistics included) atomically. */
  void save(Path file) throws IOException;

  /**
   * Applies a parameter update: runs {@code update}, which changes the arrays of {@link
   * #parameters} in place using their gradients. A data-parallel model first sums its replicas'
   * gradients into those and afterwards copies the updated state back to the replicas.
   */
  default void applyUpdate(Runnable update) {
    update.run();
  }

  /** Replaces the model's state with a file written by {@link #save} for the same model. */
  void load(Path file) throws IOException;
}
