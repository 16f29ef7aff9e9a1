package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Live progress of the running stage, from the latest {@code ARREST_PROGRESS} line of its pod's log
 * (read by the operator every few seconds while the stage runs), or the final state once the
 * training has finished.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingProgress {

  @JsonPropertyDescription(
      "Stage the progress belongs to: pretrain, finetune or evaluate; points for a sweep's"
          + " points together (fraction: the share of finished points).")
  public String stage;

  @JsonPropertyDescription(
      "One line for kubectl get, e.g. 'finetune 3/10 (27%)', or for a sweep '3/6 points done, 2"
          + " running'.")
  public String summary;

  @JsonPropertyDescription("Current epoch, from 1.")
  public Integer epoch;

  @JsonPropertyDescription("Epochs of the stage.")
  public Integer epochs;

  @JsonPropertyDescription("Current batch within the epoch.")
  public Integer batch;

  @JsonPropertyDescription("Batches per epoch.")
  public Integer batches;

  @JsonPropertyDescription("Progress of the stage in [0, 1].")
  public Double fraction;

  @JsonPropertyDescription("Latest training loss.")
  public Double loss;

  @JsonPropertyDescription("Latest unweighted RGKD distance (arrest only).")
  public Double rgkdLoss;

  @JsonPropertyDescription(
      "Latest noisy replay switch rate, the fraction of examples trained on as noisy instead of"
          + " adversarial (arrest only).")
  public Double noisyReplayRate;

  @JsonPropertyDescription("Latest accuracy on the training batches, in [0, 1].")
  public Double accuracy;

  @JsonPropertyDescription("Training throughput.")
  public Double imagesPerSecond;

  @JsonPropertyDescription("Estimated seconds to the end of the stage.")
  public Double etaSeconds;

  @JsonPropertyDescription(
      "Running phase: 'epoch' in training; when evaluating, the attack (e.g."
          + " 'autoattack-standard/square') or 'clean'.")
  public String phase;

  @JsonPropertyDescription(
      "What inBatchDone and inBatchTotal count within the current evaluation batch: 'iterations',"
          + " or 'queries' for Square.")
  public String inBatchUnit;

  @JsonPropertyDescription(
      "Iterations or queries the running attack has done on the current batch, over all its"
          + " target classes and restarts.")
  public Long inBatchDone;

  @JsonPropertyDescription(
      "Iterations or queries the running attack takes at most on the current batch (it stops"
          + " early once every example is broken).")
  public Long inBatchTotal;

  @JsonPropertyDescription("Examples of the current batch the running attack has not broken yet.")
  public Integer inBatchRobust;

  @JsonPropertyDescription("Examples in the current evaluation batch.")
  public Integer inBatchSize;

  @JsonPropertyDescription("When this progress was last read from the trainer (RFC 3339).")
  public String updatedAt;
}
