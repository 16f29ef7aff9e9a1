package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle of an ArrestTraining as shown in status.phase. Succeeded and Failed are final. */
public enum TrainingPhase {
  @JsonProperty("Pending")
  PENDING("Pending"),
  @JsonProperty("Pretraining")
  PRETRAINING("Pretraining"),
  @JsonProperty("Finetuning")
  FINETUNING("Finetuning"),
  @JsonProperty("Evaluating")
  EVALUATING("Evaluating"),
  @JsonProperty("Suspended")
  SUSPENDED("Suspended"),
  @JsonProperty("Succeeded")
  SUCCEEDED("Succeeded"),
  @JsonProperty("Failed")
  FAILED("Failed");

  private final String value;

  TrainingPhase(String value) {
    this.value = value;
  }

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED;
  }

  /** The spelling used in the status and in metrics labels. */
  @Override
  public String toString() {
    return value;
  }
}
