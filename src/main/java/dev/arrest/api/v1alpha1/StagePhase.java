package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle of one stage (one Job) as shown in status.stages.&lt;stage&gt;.phase. */
public enum StagePhase {
  /** Not started yet: an earlier stage is still running. */
  @JsonProperty("Pending")
  PENDING("Pending"),
  /** Its Job exists and has not finished (it may still be queued or scheduling). */
  @JsonProperty("Running")
  RUNNING("Running"),
  @JsonProperty("Succeeded")
  SUCCEEDED("Succeeded"),
  @JsonProperty("Failed")
  FAILED("Failed"),
  /** Not needed, e.g. pretraining when a checkpoint is given; the message says why. */
  @JsonProperty("Skipped")
  SKIPPED("Skipped");

  private final String value;

  StagePhase(String value) {
    this.value = value;
  }

  /** Finished for good: a stage in one of these phases is never run again. */
  public boolean isDone() {
    return this == SUCCEEDED || this == SKIPPED;
  }

  @Override
  public String toString() {
    return value;
  }
}
