package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One entry per stage, named so that {@code jsonpath='{.status.stages.finetune.phase}'} works. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StageStatuses {

  @JsonPropertyDescription("Standard (clean) pretraining.")
  public TrainingStageStatus pretrain;

  @JsonPropertyDescription("Adversarial finetuning.")
  public TrainingStageStatus finetune;

  @JsonPropertyDescription("Robustness evaluation.")
  public TrainingStageStatus evaluate;
}
