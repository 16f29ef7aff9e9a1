package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationAttackSpec {

  @Default("pgd")
  @JsonPropertyDescription("Attack: pgd (L-infinity PGD with random start and restarts).")
  public AttackType type = AttackType.PGD;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Perturbation budget in pixel units. Default: spec.evaluation.epsilon.")
  public Double epsilon;

  @Min(1)
  @Default("20")
  @JsonPropertyDescription("Number of iterations.")
  public int steps = 20;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Step size in pixel units. Default: 2.5 * epsilon / steps.")
  public Double stepSize;

  @Min(1)
  @Default("1")
  @JsonPropertyDescription("Random restarts; an example counts as robust only if it survives every restart.")
  public int restarts = 1;

  /** A short, stable name for results and metrics labels, e.g. {@code pgd-20} or {@code pgd-20x5}. */
  public String displayName() {
    return type + "-" + steps + (restarts > 1 ? "x" + restarts : "");
  }
}
