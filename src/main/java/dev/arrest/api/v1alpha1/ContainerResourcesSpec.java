package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Quantity;

/** What one stage's trainer container asks the scheduler for. Ignored by local runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContainerResourcesSpec {

  @Min(0)
  @Default("0")
  @JsonPropertyDescription(
      "NVIDIA GPUs for the stage's container (the nvidia.com/gpu limit); 0 runs on CPU.")
  public int gpus = 0;

  @JsonPropertyDescription(
      "CPU request, a Kubernetes quantity such as 2 or 500m. Default: 1. No CPU limit is set,"
          + " so an idle node's cores are not throttled away.")
  public Quantity cpu;

  @JsonPropertyDescription(
      "Memory request and limit, a Kubernetes quantity such as 8Gi. Default: 4Gi.")
  public Quantity memory;
}
