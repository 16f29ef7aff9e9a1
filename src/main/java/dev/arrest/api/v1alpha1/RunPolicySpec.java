package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Retry, deadline and clean-up policy of each stage Job. Ignored by local runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunPolicySpec {

  @Min(0)
  @Default("1")
  @JsonPropertyDescription(
      "Pod retries of a stage before the stage, and so the training, fails (the Job's"
          + " backoffLimit).")
  public int backoffLimit = 1;

  @Min(1)
  @JsonPropertyDescription(
      "Seconds a stage may run, retries included, before it is stopped and fails (the Job's"
          + " activeDeadlineSeconds). Default: no deadline.")
  public Long activeDeadlineSeconds;

  @Min(0)
  @JsonPropertyDescription(
      "Delete each finished stage Job and its pods this many seconds after it finished (the Job's"
          + " ttlSecondsAfterFinished). Results stay in the status and on the volume. Default: keep"
          + " them until the ArrestTraining is deleted.")
  public Integer ttlSecondsAfterFinished;

  @Min(1)
  @JsonPropertyDescription(
      "Sweeps: at most this many points run at once (each point's finetune, then evaluate Job);"
          + " the others wait, in id order. Default: every point at once.")
  public Integer maxParallelPoints;
}
