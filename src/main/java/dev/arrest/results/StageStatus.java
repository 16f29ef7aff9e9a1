package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum StageStatus {
  @JsonProperty("Succeeded")
  SUCCEEDED,
  @JsonProperty("Failed")
  FAILED,
  /** Nothing to do, e.g. pretraining when the spec names an existing checkpoint. */
  @JsonProperty("Skipped")
  SKIPPED;

  /** The spelling used in results and status: Succeeded, Failed, Skipped. */
  @Override
  public String toString() {
    return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}
