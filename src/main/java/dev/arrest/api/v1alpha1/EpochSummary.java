package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last epoch of a finished training stage, as reported by the trainer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EpochSummary {

  @JsonPropertyDescription("Epoch number, from 1.")
  public Integer epoch;

  @JsonPropertyDescription("Mean total loss over the epoch.")
  public Double loss;

  @JsonPropertyDescription("Mean cross-entropy part of the loss.")
  public Double crossEntropyLoss;

  @JsonPropertyDescription("Mean unweighted RGKD distance (arrest only).")
  public Double rgkdLoss;

  @JsonPropertyDescription(
      "Fraction of examples noisy replay switched to noisy inputs (arrest only).")
  public Double noisyReplayRate;

  @JsonPropertyDescription("Accuracy on the clean training batches, in [0, 1].")
  public Double trainCleanAccuracy;

  @JsonPropertyDescription(
      "Accuracy on the adversarial training batches, in [0, 1] (finetuning only).")
  public Double trainAdversarialAccuracy;
}
