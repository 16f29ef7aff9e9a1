package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Datasets the trainer can read. */
public enum DatasetName {
  @JsonProperty("fashion-mnist")
  FASHION_MNIST,
  @JsonProperty("cifar10")
  CIFAR10,
  @JsonProperty("cifar100")
  CIFAR100;

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
