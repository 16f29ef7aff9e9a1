package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Learning-rate schedules. */
public enum LearningRateSchedule {
  @JsonProperty("constant")
  CONSTANT,
  @JsonProperty("cosine")
  COSINE,
  @JsonProperty("piecewise")
  PIECEWISE;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
