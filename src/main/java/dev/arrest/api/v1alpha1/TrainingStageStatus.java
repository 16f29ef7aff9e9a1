package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/**
 * What happened to one stage. Written by the operator from the stage Job and its pod's termination
 * message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingStageStatus {

  @JsonPropertyDescription("Pending, Running, Succeeded, Failed or Skipped.")
  public StagePhase phase;

  @JsonPropertyDescription(
      "Why the stage is in this phase: the trainer's error when it failed, the reason when it"
          + " was skipped.")
  public String message;

  @JsonPropertyDescription("Name of the stage's batch/v1 Job.")
  public String jobName;

  @JsonPropertyDescription("When the operator created the stage's Job (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription(
      "Which Job of the stage runs: 0 (omitted) the first, one more per restart or resume; a later"
          + " Job's name ends in -r<attempt>.")
  public Integer attempt;

  @JsonPropertyDescription(
      "Restarts after disruptions (Job or pod deleted, pod evicted or preempted, node lost), at"
          + " most spec.runPolicy.maxRestarts.")
  public Integer restarts;

  @JsonPropertyDescription(
      "Since when the current Job waits for its trainer to start (RFC 3339); cleared once it runs."
          + " spec.runPolicy.startTimeoutSeconds counts from here.")
  public String waitingSince;

  @JsonPropertyDescription("When the stage finished (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Seconds the trainer spent on the stage, as it reported.")
  public Double durationSeconds;

  @JsonPropertyDescription("Training stages: epochs completed.")
  public Integer epochs;

  @JsonPropertyDescription("Training stages: metrics of the last epoch.")
  public EpochSummary lastEpoch;

  @JsonPropertyDescription(
      "Files the stage wrote, by role (e.g. model), relative to status.output.path.")
  public Map<String, String> artifacts;
}
