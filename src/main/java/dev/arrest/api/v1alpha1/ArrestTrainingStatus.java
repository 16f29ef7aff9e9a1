package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * Observed state of an ArrestTraining, written only by the operator. Follows the Kubernetes API
 * conventions so that generic tools work: {@code kubectl wait --for=condition=Ready}, or a Katib
 * trial whose success condition is Ready=True and failure condition Failed=True.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ArrestTrainingStatus {

  @JsonPropertyDescription("The metadata.generation this status reflects.")
  public Long observedGeneration;

  @JsonPropertyDescription("Pending, Pretraining, Finetuning, Evaluating, Succeeded or Failed.")
  public TrainingPhase phase;

  @JsonPropertyDescription(
      "Ready (True once results are in), Progressing (True while a stage runs), Failed (True when"
          + " the training failed) and SpecApplied (False when a spec change was not applied), each"
          + " with reason and message.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Each stage's phase, Job, start and finish times, last-epoch metrics and artifacts. A"
          + " sweep has only the shared pretrain stage here; its points' stages are in points.")
  public StageStatuses stages;

  @JsonPropertyDescription("Live progress of the running stage.")
  public TrainingProgress progress;

  @JsonPropertyDescription(
      "Standard and robust accuracy of the finetuned model, once evaluated. Absent for a sweep,"
          + " whose points each have results.")
  public TrainingResults results;

  @JsonPropertyDescription(
      "Sweeps: every point of spec.sweep, in id order, with its Jobs and results.")
  public List<PointStatus> points;

  @JsonPropertyDescription(
      "Sweeps: the sweep's score against the reference curve, once every point has finished.")
  public SweepStatus sweep;

  @JsonPropertyDescription("Where the artifacts are written.")
  public OutputLocation output;

  @JsonPropertyDescription(
      "The trainer image every stage Job runs, resolved when the first Job was created (spec.image"
          + " or the operator's default then), so that an operator upgrade does not change it"
          + " mid-run.")
  public String trainerImage;

  @JsonPropertyDescription(
      "When the first Job was created (RFC 3339); spec.runPolicy.activeDeadlineSeconds counts"
          + " from here.")
  public String startTime;

  @JsonPropertyDescription("When the training succeeded or failed (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Restarts after disruptions, over all stages and points.")
  public Integer restarts;

  @JsonPropertyDescription("The spec.restartNonce of the last re-run (see spec.restartNonce).")
  public Long restartNonce;

  @JsonPropertyDescription(
      "metadata.generation of the spec the stage Jobs run. The spec is frozen when the first"
          + " Job is created; later changes are not applied (see the SpecApplied condition).")
  public Long appliedGeneration;

  @JsonPropertyDescription(
      "The spec the stage Jobs run, as JSON, recorded when the first Job was created so that"
          + " every stage runs the same spec.")
  public String appliedSpec;
}
