package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import dev.arrest.trainer.engine.Outputs;

/** The scalar an attack maximizes, given the model's outputs on the current adversarial batch. */
@FunctionalInterface
public interface AttackObjective {
  NDArray loss(Outputs outputs);
}
