package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Distances between two representations of the same example. */
public enum RepresentationDistance {
  @JsonProperty("cosine")
  COSINE,
  @JsonProperty("angular")
  ANGULAR,
  @JsonProperty("l2")
  L2;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
