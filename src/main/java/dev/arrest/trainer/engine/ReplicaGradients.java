package dev.arrest.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.List;

/** The gradient reduction of data parallelism, shared by the trainer's and TorchScript models. */
final class ReplicaGradients {
  private ReplicaGradients() {}

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
}
