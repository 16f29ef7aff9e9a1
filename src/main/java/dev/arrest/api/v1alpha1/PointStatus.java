package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** One point of a sweep (docs/sweeps.md): what it changed, its Jobs and its results. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PointStatus {

  @JsonPropertyDescription(
      "The point's id: its 0-based position in the sweep's expansion, as passed to"
          + " arrest stage --point and shown in the arrest.dev/point label of its Jobs.")
  public Integer id;

  @JsonPropertyDescription(
      "Readable name naming the method and each swept value, e.g. 'arrest phi=30'.")
  public String label;

  @JsonPropertyDescription("The point's finetuning method.")
  public FinetuningMethod method;

  @JsonPropertyDescription(
      "What the point changed: field path under spec (e.g. finetuning.tradesBeta) to value.")
  public Map<String, String> overrides;

  @JsonPropertyDescription(
      "The point's directory relative to status.output.path, e.g. points/01-arrest-phi-30.")
  public String directory;

  @JsonPropertyDescription(
      "True for the points the reference curve is fitted to"
          + " (spec.evaluation.tradeoff.fromSweepMethods); they are not scored.")
  public Boolean reference;

  @JsonPropertyDescription("Pending, Finetuning, Evaluating, Succeeded or Failed.")
  public PointPhase phase;

  @JsonPropertyDescription("Why the point failed, or what it waits for.")
  public String message;

  @JsonPropertyDescription(
      "The point's finetune and evaluate stages: phase, Job, times, last epoch, artifacts.")
  public PointStages stages;

  @JsonPropertyDescription("Live progress of the point's running stage.")
  public TrainingProgress progress;

  @JsonPropertyDescription(
      "The point's standard and robust accuracy and tradeoff score, once evaluated.")
  public TrainingResults results;
}
