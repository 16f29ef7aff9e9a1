package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Robust accuracy under one evaluation attack. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttackAccuracy {

  @JsonPropertyDescription(
      "Display name of the attack, e.g. pgd-20; also the attack label of the metric.")
  public String name;

  @JsonPropertyDescription("Attack type, e.g. pgd.")
  public String type;

  @JsonPropertyDescription("Perturbation budget in pixel units.")
  public Double epsilon;

  @JsonPropertyDescription("Iterations of the attack.")
  public Integer steps;

  @JsonPropertyDescription("Random restarts.")
  public Integer restarts;

  @JsonPropertyDescription(
      "Fraction of the evaluated examples classified correctly under this attack, in [0, 1].")
  public Double robustAccuracy;
}
