package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which test images an evaluation of fewer than all of them takes. */
public enum EvaluationSubset {
  /** The first N in test-set order. */
  @JsonProperty("first")
  FIRST,
  /** A seeded random sample with every class in its test-set proportion. */
  @JsonProperty("stratified")
  STRATIFIED;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
