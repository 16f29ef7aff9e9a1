package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** ARREST and the baselines it is compared with. */
public enum FinetuningMethod {
  @JsonProperty("at")
  AT,
  @JsonProperty("trades")
  TRADES,
  @JsonProperty("aft")
  AFT,
  @JsonProperty("arrest")
  ARREST;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
