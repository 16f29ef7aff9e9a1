package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Adversarial weight perturbation (Wu, Xia and Wang, NeurIPS 2020): each step computes its
 * gradients at weights perturbed, per weight tensor, by gamma times the tensor's norm in the
 * direction that increases the step's own loss (docs/trainer.md, "AWP").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AwpSpec {

  @Min(0)
  @Max(1)
  @Default("0.005")
  @JsonPropertyDescription(
      "Relative size gamma of the perturbation: ||v|| = gamma * ||w|| for every weight tensor with"
          + " more than one dimension (convolution and linear weights). 0 trains without AWP."
          + " Default 0.005, the AWP paper's TRADES-AWP value (its AT-AWP uses 0.01).")
  public double gamma = 0.005;

  @Min(0)
  @Default("0")
  @JsonPropertyDescription(
      "Epochs at the start of finetuning trained without AWP. Default 0, as the reference AT-AWP"
          + " code; its TRADES-AWP code starts AWP at epoch 10 of 200.")
  public int warmupEpochs = 0;

  @Min(1)
  @Max(10)
  @Default("1")
  @JsonPropertyDescription(
      "Gradient-ascent steps that find the perturbation, each at the weights perturbed so far."
          + " Default 1, the AWP paper's setting.")
  public int steps = 1;

  /** An independent copy, for specs that take these settings from another part of the spec. */
  public AwpSpec copy() {
    AwpSpec copy = new AwpSpec();
    copy.gamma = gamma;
    copy.warmupEpochs = warmupEpochs;
    copy.steps = steps;
    return copy;
  }
}
