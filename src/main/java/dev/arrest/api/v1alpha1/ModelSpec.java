package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {

  @Required
  @JsonPropertyDescription(
      "small-cnn (TRADES' 4-conv/3-linear MNIST network), preact-resnet18, or wide-resnet.")
  public Architecture architecture;

  @Min(10)
  @Default("34")
  @JsonPropertyDescription(
      "wide-resnet only: depth, with (depth - 4) divisible by 6 (e.g. 28, 34).")
  public int depth = 34;

  @Min(1)
  @Default("10")
  @JsonPropertyDescription("wide-resnet only: widen factor k (channel widths 16k, 32k, 64k).")
  public int widenFactor = 10;
}
