package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.List;

/** SGD with momentum and weight decay, and its learning-rate schedule over the stage's epochs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OptimizerSpec {

  @Min(value = 0, inclusive = false)
  @Default("0.1")
  @JsonPropertyDescription("Initial learning rate of SGD.")
  public double learningRate = 0.1;

  @Min(0)
  @Max(value = 1, inclusive = false)
  @Default("0.9")
  @JsonPropertyDescription("SGD momentum.")
  public double momentum = 0.9;

  @Min(0)
  @Default("0.0005")
  @JsonPropertyDescription("L2 weight decay added to the gradient of every weight.")
  public double weightDecay = 5e-4;

  @Default("false")
  @JsonPropertyDescription("Use Nesterov momentum.")
  public boolean nesterov = false;

  @Default("cosine")
  @JsonPropertyDescription(
      "Learning-rate schedule, stepped per batch: constant, cosine (annealed to 0 at the end of"
          + " the stage) or piecewise (multiplied by gamma at each milestone).")
  public LearningRateSchedule schedule = LearningRateSchedule.COSINE;

  @JsonPropertyDescription(
      "piecewise only: milestones as fractions of the stage's epochs, increasing, in (0, 1)."
          + " Default [0.5, 0.75].")
  public List<Double> milestones;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @Default("0.1")
  @JsonPropertyDescription("piecewise only: factor applied to the learning rate at each milestone.")
  public double gamma = 0.1;

  public List<Double> milestonesOrDefault() {
    return milestones != null ? milestones : List.of(0.5, 0.75);
  }
}
