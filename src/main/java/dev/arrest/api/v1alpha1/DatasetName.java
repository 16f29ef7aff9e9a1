package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Datasets the trainer can read. */
public enum DatasetName {
  @JsonProperty("fashion-mnist")
  FASHION_MNIST(10),
  @JsonProperty("cifar10")
  CIFAR10(10),
  @JsonProperty("cifar100")
  CIFAR100(100);

  private final int numClasses;

  DatasetName(int numClasses) {
    this.numClasses = numClasses;
  }

  /**
   * Number of classes, for validation rules that depend on it (e.g. the DLR losses need at least 3
   * or 4).
   */
  public int numClasses() {
    return numClasses;
  }

  /** The spelling used in ArrestTraining documents. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
