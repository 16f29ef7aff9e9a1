package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Noisy replay: an example whose clean representation under the finetuned model has turned more
 * than {@code thresholdDegrees} away from the pretrained model's is trained on as clean + U(-eps,
 * eps) noise (clipped to [0, 1]) instead of as its adversarial example.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NoisyReplaySpec {

  @Default("true")
  @JsonPropertyDescription("Switch drifted examples to noisy ones (arrest only).")
  public boolean enabled = true;

  @Min(value = 0, inclusive = false)
  @Max(180)
  @Default("37.5")
  @JsonPropertyDescription(
      "Angle threshold phi in degrees, 0 < phi <= 180 (the paper uses 30 to 45).")
  public double thresholdDegrees = 37.5;
}
