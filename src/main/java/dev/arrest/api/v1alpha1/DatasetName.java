package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Datasets the trainer can read. */
public enum DatasetName {
  @JsonProperty("fashion-mnist")
  FASHION_MNIST(10, 28 * 28),
  @JsonProperty("cifar10")
  CIFAR10(10, 3 * 32 * 32),
  @JsonProperty("cifar100")
  CIFAR100(100, 3 * 32 * 32);

  private final int numClasses;
  private final int valuesPerImage;

  DatasetName(int numClasses, int valuesPerImage) {
    this.numClasses = numClasses;
    this.valuesPerImage = valuesPerImage;
  }

  /**
   * Channels x height x width; its square root is the L2 diameter of the input space [0, 1]^n, the
   * largest meaningful L2 budget.
   */
  public int valuesPerImage() {
    return valuesPerImage;
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
