package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * How a sweep's from-scratch points (at and trades by default) train, where it should differ from
 * finetuning a pretrained model: more epochs and a larger learning rate.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScratchTrainingSpec {

  @Min(1)
  @JsonPropertyDescription(
      "Epochs, replacing spec.finetuning.epochs. pretraining.epochs + finetuning.epochs gives"
          + " every method the same number of passes over the training data.")
  public Integer epochs;

  @JsonPropertyDescription("Optimizer and schedule, replacing spec.finetuning.optimizer.")
  public OptimizerSpec optimizer;

  @JsonPropertyDescription(
      "Adversarial weight perturbation, replacing spec.finetuning.awp (e.g. a warm-up for training"
          + " from scratch); spec.sweep.awpGammas still sets its gamma.")
  public AwpSpec awp;
}
