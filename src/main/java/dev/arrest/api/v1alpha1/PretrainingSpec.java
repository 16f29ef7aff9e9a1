package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Standard training on clean examples, or the location of an existing standard model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PretrainingSpec {

  @JsonPropertyDescription(
      "Path to an existing pretrained checkpoint (a parameters file written by this trainer)."
          + " When set, pretraining is skipped and finetuning starts from it.")
  public String checkpoint;

  @Min(1)
  @Default("10")
  @JsonPropertyDescription("Number of pretraining epochs.")
  public int epochs = 10;

  @Min(1)
  @Default("128")
  @JsonPropertyDescription("Mini-batch size.")
  public int batchSize = 128;

  @JsonPropertyDescription("Optimizer and learning-rate schedule.")
  public OptimizerSpec optimizer = new OptimizerSpec();
}
