package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which of ARREST's two additions to AFT an arrest point uses: the ablations of the paper (AFT +
 * RGKD, AFT + NR) and the full method.
 */
public enum ArrestVariant {
  @JsonProperty("aft+rgkd")
  AFT_RGKD(true, false),
  @JsonProperty("aft+nr")
  AFT_NR(false, true),
  @JsonProperty("arrest")
  ARREST(true, true);

  private final boolean rgkd;
  private final boolean noisyReplay;

  ArrestVariant(boolean rgkd, boolean noisyReplay) {
    this.rgkd = rgkd;
    this.noisyReplay = noisyReplay;
  }

  public boolean rgkd() {
    return rgkd;
  }

  public boolean noisyReplay() {
    return noisyReplay;
  }

  /** The spelling used in ArrestTraining documents and point labels. */
  @Override
  public String toString() {
    return switch (this) {
      case AFT_RGKD -> "aft+rgkd";
      case AFT_NR -> "aft+nr";
      case ARREST -> "arrest";
    };
  }
}
