package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Lifecycle of one sweep point (its finetune Job, then its evaluate Job) as shown in
 * status.points[].phase.
 */
public enum PointPhase {
  /**
   * Waiting for the shared pretraining, or for a free slot under spec.runPolicy.maxParallelPoints.
   */
  @JsonProperty("Pending")
  PENDING("Pending"),
  @JsonProperty("Finetuning")
  FINETUNING("Finetuning"),
  @JsonProperty("Evaluating")
  EVALUATING("Evaluating"),
  @JsonProperty("Succeeded")
  SUCCEEDED("Succeeded"),
  @JsonProperty("Failed")
  FAILED("Failed");

  private final String value;

  PointPhase(String value) {
    this.value = value;
  }

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED;
  }

  /** Has a Job that counts against spec.runPolicy.maxParallelPoints. */
  public boolean isActive() {
    return this == FINETUNING || this == EVALUATING;
  }

  /** The spelling used in the status and in metrics labels. */
  @Override
  public String toString() {
    return value;
  }
}
