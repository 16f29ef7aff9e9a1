package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationAttackSpec {

  /** Published defaults: PGD-20 here; 100 iterations for APGD and FAB; 5000 queries for Square. */
  public static final int PGD_STEPS = 20;

  public static final int APGD_ITERATIONS = 100;
  public static final int FAB_ITERATIONS = 100;
  public static final int SQUARE_QUERIES = 5000;
  public static final int TARGET_CLASSES = 9;

  @Default("pgd")
  @JsonPropertyDescription(
      "Attack: pgd (L-infinity PGD with random start and restarts); apgd-ce, apgd-dlr, apgd-t (APGD"
          + " on cross-entropy, DLR, targeted DLR); fab, fab-t (FAB minimum-norm, untargeted or"
          + " targeted); square (black-box Square); autoattack (the AutoAttack ensemble of the"
          + " given version).")
  public AttackType type = AttackType.PGD;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Perturbation budget in pixel units. Default: spec.evaluation.epsilon.")
  public Double epsilon;

  @Min(1)
  @JsonPropertyDescription(
      "Iterations (queries for square). Default: 20 for pgd, 100 for apgd-* and fab*, 5000 for"
          + " square; autoattack uses its published values.")
  public Integer steps;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("pgd only: step size in pixel units. Default: 2.5 * epsilon / steps.")
  public Double stepSize;

  @Min(1)
  @Default("1")
  @JsonPropertyDescription(
      "Random restarts; an example counts as robust only if it survives every restart.")
  public int restarts = 1;

  @JsonPropertyDescription(
      "Threat model, linf or l2 (pgd: linf only). Default: spec.evaluation.norm.")
  public Norm norm;

  @JsonPropertyDescription(
      "autoattack only: standard, plus or rand (randomized defenses). Default: standard.")
  public AutoAttackVersion version;

  @Min(1)
  @Max(99)
  @JsonPropertyDescription(
      "apgd-t and fab-t only: attack the classes with the 2nd to (targetClasses+1)-th largest"
          + " clean logits. Default: 9.")
  public Integer targetClasses;

  @Min(1)
  @JsonPropertyDescription(
      "apgd-* only: gradients averaged per iteration (expectation over transformation), for"
          + " randomized models. Default: 1.")
  public Integer eotIterations;

  @JsonIgnore
  public int effectiveSteps() {
    if (steps != null) {
      return steps;
    }
    return switch (type) {
      case PGD -> PGD_STEPS;
      case APGD_CE, APGD_DLR, APGD_T, AUTOATTACK -> APGD_ITERATIONS;
      case FAB, FAB_T -> FAB_ITERATIONS;
      case SQUARE -> SQUARE_QUERIES;
    };
  }

  @JsonIgnore
  public AutoAttackVersion effectiveVersion() {
    return version != null ? version : AutoAttackVersion.STANDARD;
  }

  @JsonIgnore
  public int effectiveTargetClasses() {
    return targetClasses != null ? targetClasses : TARGET_CLASSES;
  }

  @JsonIgnore
  public int effectiveEotIterations() {
    return eotIterations != null ? eotIterations : 1;
  }

  /**
   * A short, stable name for results and metrics labels, e.g. {@code pgd-20}, {@code pgd-20x5},
   * {@code apgd-ce-100}, {@code square-5000-l2} or {@code autoattack-standard}. Options at their
   * defaults are left out.
   */
  public String displayName() {
    if (type == AttackType.PGD) {
      return type + "-" + effectiveSteps() + (restarts > 1 ? "x" + restarts : "");
    }
    String normSuffix = norm == Norm.L2 ? "-l2" : "";
    if (type == AttackType.AUTOATTACK) {
      return type + "-" + effectiveVersion() + normSuffix;
    }
    return type
        + "-"
        + effectiveSteps()
        + (restarts > 1 ? "x" + restarts : "")
        + (targetClasses != null && targetClasses != TARGET_CLASSES
            ? "-targets" + targetClasses
            : "")
        + (effectiveEotIterations() > 1 ? "-eot" + effectiveEotIterations() : "")
        + normSuffix;
  }
}
