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

  @JsonPropertyDescription("Robust accuracy: per-example worst case over all evaluation attacks, in [0, 1].")
  public Double robustAccuracy;

  @JsonPropertyDescription("Robust accuracy under each attack alone.")
  public List<AttackAccuracy> attacks;

  @JsonPropertyDescription("Tradeoff score between standard and robust accuracy, when the evaluation reports one;"
      + " absent otherwise.")
  public Double tradeoffScore;
}
