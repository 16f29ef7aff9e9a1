package dev.arrest.trainer.eval;

import dev.arrest.trainer.attack.EvaluationAttack;

/**
 * An attack as the evaluation runs and reports it.
 *
 * @param name unique display name, e.g. {@code apgd-ce-100} or {@code autoattack-standard/fab-t}
 * @param type the attack's type, e.g. {@code apgd-t}
 * @param stepSize pgd's step size, null for attacks that choose their own
 * @param whiteBox false for attacks that query logits only (Square); the gradient-masking check
 *     compares the two kinds
 */
public record PlannedAttack(
    String name, String type, EvaluationAttack attack, Double stepSize, boolean whiteBox) {

  /** Names the attack by its own name; suits attacks run outside a spec. */
  public static PlannedAttack of(EvaluationAttack attack) {
    return new PlannedAttack(
        attack.name(), attack.name(), attack, null, !"square".equals(attack.name()));
  }
}
