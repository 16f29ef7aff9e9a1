package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One attack of the evaluation. Attacks run in order, each only on the examples still robust after
 * the ones before it (as in AutoAttack), so robust accuracy after the last attack is the
 * per-example worst case.
 *
 * @param name display name, e.g. {@code pgd-20} or {@code autoattack-standard/apgd-t}
 * @param type attack type, e.g. {@code pgd}, {@code apgd-t}, {@code square}
 * @param norm {@code linf} or {@code l2}
 * @param steps iterations (queries for square)
 * @param stepSize pgd only
 * @param restarts restarts per example (per target class for targeted attacks)
 * @param robustAccuracy fraction of all evaluated examples still robust after this attack and all
 *     before it
 * @param seconds wall time of the attack
 * @param attacked examples this attack ran on (those still robust before it)
 * @param broken examples this attack broke: misclassified, inside the threat model, checked by the
 *     evaluator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttackResult(
    String name,
    String type,
    String norm,
    double epsilon,
    Integer steps,
    Double stepSize,
    Integer restarts,
    double robustAccuracy,
    double seconds,
    Integer attacked,
    Integer broken) {

  /** A result without example counts. */
  public AttackResult(
      String name,
      String type,
      String norm,
      double epsilon,
      Integer steps,
      Double stepSize,
      Integer restarts,
      double robustAccuracy,
      double seconds) {
    this(name, type, norm, epsilon, steps, stepSize, restarts, robustAccuracy, seconds, null, null);
  }
}
