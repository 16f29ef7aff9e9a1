package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which reference points the tradeoff curve is fitted to (docs/tradeoff-score.md, section 4).
 * Models with 0 % robust accuracy are left out either way.
 */
public enum ReferenceFit {
  /** Every reference point. */
  @JsonProperty("all")
  ALL,
  /**
   * The non-dominated points only: a point that another one equals or beats on both axes, and beats
   * on one, is left out, so that a weaker baseline cannot bend the curve below a stronger one.
   */
  @JsonProperty("frontier")
  FRONTIER;

  /** The spelling used in ArrestTraining documents and on the command line. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
