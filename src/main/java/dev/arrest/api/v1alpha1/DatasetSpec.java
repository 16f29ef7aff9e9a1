package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatasetSpec {

  @Required
  @JsonPropertyDescription(
      "Dataset: fashion-mnist (IDX files), cifar10 or cifar100 (official binary version).")
  public DatasetName name;

  @JsonPropertyDescription(
      "Directory holding the dataset files. Defaults: fashion-mnist"
          + " /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist); cifar10 and"
          + " cifar100 have no default and must be given. In a cluster this path is inside the"
          + " mounted volume.")
  public String path;

  @Min(1)
  @JsonPropertyDescription(
      "Train on a seeded random subset of this many training images (default: all).")
  public Integer trainSubset;

  @JsonPropertyDescription(
      "Standard augmentation (random crop with 4-pixel zero padding, horizontal flip) during"
          + " training. Default: on for CIFAR, off for Fashion-MNIST.")
  public Boolean augment;
}
