package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/**
 * Representation-guided knowledge distillation: lambda * distance(student(x_train),
 * teacher(x_clean)), where the frozen pretrained teacher sees the clean example in eval mode and
 * the finetuned student sees its training input (the adversarial example, or the noisy one when
 * noisy replay switched it), both at the penultimate layer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RgkdSpec {

  @Default("true")
  @JsonPropertyDescription("Add the RGKD term to the loss (arrest only).")
  public boolean enabled = true;

  @Min(0)
  @Default("1.0")
  @JsonPropertyDescription("Weight lambda of the RGKD term.")
  public double weight = 1.0;

  @Default("cosine")
  @JsonPropertyDescription(
      "cosine: 1 - cos(angle); angular: angle / pi; l2: squared Euclidean distance. Averaged over"
          + " the batch.")
  public RepresentationDistance distance = RepresentationDistance.COSINE;
}
