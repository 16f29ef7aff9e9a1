package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of an ArrestTraining, written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ArrestTrainingStatus {

  @JsonPropertyDescription("The metadata.generation this status reflects.")
  public Long observedGeneration;

  @JsonPropertyDescription("Pending, Pretraining, Finetuning, Evaluating, Succeeded or Failed.")
  public String phase;
}
