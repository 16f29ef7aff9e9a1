package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Final results of the evaluation stage. Absent until the evaluation has succeeded. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingResults {

  @JsonPropertyDescription("Number of test examples evaluated.")
  public Integer samples;

  @JsonPropertyDescription("Clean (standard) test accuracy, in [0, 1].")
  public Double standardAccuracy;

  @JsonPropertyDescription(
      "Robust accuracy: per-example worst case over all evaluation attacks, in [0, 1].")
  public Double robustAccuracy;

  @JsonPropertyDescription("Robust accuracy under each attack alone.")
  public List<AttackAccuracy> attacks;

  @JsonPropertyDescription(
      "Tradeoff score: signed distance in percentage points from the reference tradeoff curve of"
          + " spec.evaluation.tradeoff, positive when better than the curve"
          + " (docs/tradeoff-score.md). Absent when no reference is configured.")
  public Double tradeoffScore;

  @JsonPropertyDescription("Details of the tradeoff score, when there is one.")
  public TradeoffResult tradeoff;
}
