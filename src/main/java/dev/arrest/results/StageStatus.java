package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum StageStatus {
  @JsonProperty("Succeeded")
  SUCCEEDED,
  @JsonProperty("Failed")
  FAILED,
  /** Nothing to do, e.g. pretraining when the spec names an existing checkpoint. */
  @JsonProperty("Skipped")
  SKIPPED
}
