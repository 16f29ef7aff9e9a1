package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A sweep point's own stages; the pretraining is shared (status.stages.pretrain). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PointStages {

  @JsonPropertyDescription("The point's adversarial finetuning.")
  public TrainingStageStatus finetune;

  @JsonPropertyDescription("The point's robustness evaluation.")
  public TrainingStageStatus evaluate;
}
