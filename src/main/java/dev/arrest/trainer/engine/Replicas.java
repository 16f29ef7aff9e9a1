package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * What the data parallelism of the trainer's models and of TorchScript modules share: the replicas'
 * parameters side by side, and the gradient reduction onto the primary.
 */
final class Replicas {
  private Replicas() {}

  /**
   * Adds every replica's parameter gradients onto the primary's (the first list) and zeroes the
   * replicas'. The losses are means over the whole batch, so the sum is the one-device gradient.
   *
   * @param byReplica each replica's parameters, in the same order for every replica
   */
  static void sumOntoPrimary(List<List<Parameter>> byReplica) {
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
  }

  /**
   * The replicas' parameters, in the same order for every replica (checked by name).
   *
   * @param description the model, for the error
   */
  static List<List<Parameter>> byReplica(
      List<? extends TrainableClassifier> replicas, String description) {
    List<List<Parameter>> result = new ArrayList<>(replicas.size());
    List<String> names = null;
    for (TrainableClassifier replica : replicas) {
      List<Pair<String, Parameter>> parameters = replica.parameters();
      List<String> replicaNames = parameters.stream().map(Pair::getKey).toList();
      if (names == null) {
        names = replicaNames;
      } else if (!names.equals(replicaNames)) {
        throw new IllegalStateException("replicas of " + description + " differ in parameters");
      }
      result.add(parameters.stream().map(Pair::getValue).toList());
    }
    return result;
  }
}
