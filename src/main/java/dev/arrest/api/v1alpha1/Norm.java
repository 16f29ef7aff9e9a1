package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Threat models (the norm of the perturbation budget). */
public enum Norm {
  @JsonProperty("linf")
  LINF,
  @JsonProperty("l2")
  L2;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
