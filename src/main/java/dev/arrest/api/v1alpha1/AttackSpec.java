package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Projected gradient descent (Madry et al.) in the L-infinity ball, used to generate training
 * examples.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttackSpec {

  @Default("linf")
  @JsonPropertyDescription("Threat model. Only linf is supported for training.")
  public Norm norm = Norm.LINF;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @Default("0.03137254901960784")
  @JsonPropertyDescription(
      "Perturbation budget (L-inf) in pixel units: pixels are in [0, 1], so 0 < epsilon <= 1;"
          + " e.g. 0.1 for Fashion-MNIST, 8/255 = 0.0314 for CIFAR.")
  public double epsilon = 8.0 / 255;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("PGD step size in pixel units. Default: 2.5 * epsilon / steps.")
  public Double stepSize;

  @Min(1)
  @Default("10")
  @JsonPropertyDescription("Number of PGD steps.")
  public int steps = 10;

  @Default("true")
  @JsonPropertyDescription(
      "Start from a uniformly random point of the epsilon-ball instead of the clean example.")
  public boolean randomStart = true;

  public double effectiveStepSize() {
    return stepSize != null ? stepSize : 2.5 * epsilon / steps;
  }
}
