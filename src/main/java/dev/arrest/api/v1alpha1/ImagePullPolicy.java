package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kubernetes image pull policies, spelled as in a Pod spec. */
public enum ImagePullPolicy {
  @JsonProperty("Always")
  ALWAYS("Always"),
  @JsonProperty("IfNotPresent")
  IF_NOT_PRESENT("IfNotPresent"),
  @JsonProperty("Never")
  NEVER("Never");

  private final String value;

  ImagePullPolicy(String value) {
    this.value = value;
  }

  /** The spelling used in ArrestTraining documents and Pod specs. */
  @Override
  public String toString() {
    return value;
  }
}
