package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/**
 * Test accuracy after every training epoch, clean and under PGD: the curves that show whether a
 * stage has converged, rather than assuming it from its epoch count.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EpochEvaluationSpec {
  public static final int DEFAULT_SAMPLES = 1000;
  public static final int DEFAULT_PGD_STEPS = 10;

  @Min(1)
  @Default("1000")
  @JsonPropertyDescription(
      "Test images evaluated after each epoch: a class-stratified random sample seeded by"
          + " spec.evaluation.subsetSeed (the whole test set when it has no more images).")
  public int samples = DEFAULT_SAMPLES;

  @Min(0)
  @Default("10")
  @JsonPropertyDescription(
      "Steps of the PGD attack measuring robust accuracy after each epoch (budget and norm of"
          + " spec.evaluation, step size 2.5 epsilon / steps, one random start); 0 measures clean"
          + " accuracy only.")
  public int pgdSteps = DEFAULT_PGD_STEPS;
}
