package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/**
 * Retries, restarts, deadlines and clean-up of the run and its stage Jobs. Ignored by local runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunPolicySpec {

  @Min(0)
  @Default("1")
  @JsonPropertyDescription(
      "Pod retries of a stage before the stage, and so the training, fails (the Job's"
          + " backoffLimit).")
  public int backoffLimit = 1;

  @Min(0)
  @Default("3")
  @JsonPropertyDescription(
      "Restarts of a stage after disruptions (its Job or pod deleted, the pod evicted or"
          + " preempted, its node lost) before the training fails; each restart resumes from the"
          + " stage's last epoch checkpoint and does not count against backoffLimit.")
  public int maxRestarts = 3;

  @Min(1)
  @Default("600")
  @JsonPropertyDescription(
      "Seconds a stage Job may wait for its trainer to start (image pull, scheduling, pod"
          + " creation) before the training fails with the reason it waited for. Time in a Kueue"
          + " queue does not count.")
  public long startTimeoutSeconds = 600;

  @Min(1)
  @JsonPropertyDescription(
      "Seconds the whole run may take, from its first Job, before it is stopped and fails with"
          + " reason DeadlineExceeded (each stage Job also gets the time left as its"
          + " activeDeadlineSeconds). Default: no deadline.")
  public Long activeDeadlineSeconds;

  @Min(0)
  @JsonPropertyDescription(
      "Delete the ArrestTraining itself this many seconds after it succeeded or failed (its Jobs"
          + " go with it; the artifacts stay on the volume). Default: keep it.")
  public Integer ttlSecondsAfterFinished;

  @Min(0)
  @JsonPropertyDescription(
      "Delete each stage Job and its pods this many seconds after the operator recorded its"
          + " outcome in the status. Default: keep them until the ArrestTraining is deleted.")
  public Integer jobTtlSecondsAfterFinished;

  @Min(1)
  @JsonPropertyDescription(
      "Sweeps: at most this many points run at once (each point's finetune, then evaluate Job);"
          + " the others wait, in id order. Default: every point at once.")
  public Integer maxParallelPoints;
}
