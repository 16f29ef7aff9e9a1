package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import dev.arrest.trainer.engine.Classifier;

/**
 * One attack of a robustness evaluation. It receives a batch of examples and returns candidate
 * adversarial images; the caller, not the attack, decides which candidates count: each must lie in
 * the threat model and be misclassified by the model in a forward pass of its own.
 */
public interface EvaluationAttack {

  /** A short, stable name, e.g. {@code apgd-ce} or {@code fab-t}. */
  String name();

  ThreatModel threatModel();

  /** Iterations per run (queries for Square), as results report them. */
  int iterations();

  /** Runs per example, or per example and target class for targeted attacks. */
  int restarts();

  /**
   * Candidate adversarial images [B, C, H, W] for the batch, attached to the manager of {@code
   * batch.images()}. An example the attack could not break comes back as its clean image. The model
   * must be in eval mode; the attack freezes its parameters while it runs.
   */
  NDArray perturb(Classifier model, AttackBatch batch);
}
