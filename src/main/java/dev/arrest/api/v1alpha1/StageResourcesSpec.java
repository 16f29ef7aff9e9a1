package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Resources per stage: pretraining, finetuning and evaluation have different needs. Ignored by
 * local runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StageResourcesSpec {

  @JsonPropertyDescription("Resources of the pretrain Job's container.")
  public ContainerResourcesSpec pretrain = new ContainerResourcesSpec();

  @JsonPropertyDescription("Resources of the finetune Job's container.")
  public ContainerResourcesSpec finetune = new ContainerResourcesSpec();

  @JsonPropertyDescription("Resources of the evaluate Job's container.")
  public ContainerResourcesSpec evaluate = new ContainerResourcesSpec();
}
