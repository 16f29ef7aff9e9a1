package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where finetuning starts from. */
public enum Initialization {
  @JsonProperty("pretrained")
  PRETRAINED,
  @JsonProperty("scratch")
  SCRATCH;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
