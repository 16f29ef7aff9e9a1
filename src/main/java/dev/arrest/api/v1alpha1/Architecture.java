package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Network architectures. */
public enum Architecture {
  @JsonProperty("small-cnn")
  SMALL_CNN,
  @JsonProperty("preact-resnet18")
  PREACT_RESNET18,
  @JsonProperty("wide-resnet")
  WIDE_RESNET;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
