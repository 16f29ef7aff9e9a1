package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The sweep's score (docs/tradeoff-score.md section 3), set once every point has finished. Without
 * a score, message says why (no reference configured, a point failed, fewer than 2 scored points,
 * no tradeoff traced).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SweepStatus {

  @JsonPropertyDescription(
      "The sweep score: mean gap in percentage points between the curve the scored points trace and"
          + " the reference curve over their common standard-accuracy range, positive when better."
          + " Absent when the sweep is not scored (see message).")
  public Double meanRobustGain;

  @JsonPropertyDescription(
      "Mean standard-accuracy gap in percentage points over the common robust-accuracy range;"
          + " absent when the ranges do not overlap.")
  public Double meanStandardGain;

  @JsonPropertyDescription(
      "Name of the reference curve, e.g. cifar10-linf-8255-wrn34 or sweep:at,trades.")
  public String reference;

  @JsonPropertyDescription(
      "Number of points the score is computed from (reference points excluded).")
  public Integer scoredPoints;

  @JsonPropertyDescription("Degree of the curve fitted to the scored points.")
  public Integer pointsCurveDegree;

  @JsonPropertyDescription("Standard-accuracy range (percent) covered by both curves.")
  public AccuracyInterval standardOverlap;

  @JsonPropertyDescription("Robust-accuracy range (percent) covered by both curves.")
  public AccuracyInterval robustOverlap;

  @JsonPropertyDescription("Why the sweep has no score, when it has none.")
  public String message;

  @JsonPropertyDescription("Caveats of the score, e.g. points evaluated at different epsilons.")
  public List<String> warnings;
}
