package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Where the finetuned model lies relative to the reference tradeoff curve (docs/tradeoff-score.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TradeoffResult {

  @JsonPropertyDescription("Name of the reference the curve was fitted to.")
  public String reference;

  @JsonPropertyDescription(
      "Euclidean distance in percentage points to the nearest point of the curve, positive"
          + " above it (the tradeoff score).")
  public Double signedDistance;

  @JsonPropertyDescription(
      "Robust accuracy minus the curve's at the same standard accuracy, in percentage points.")
  public Double robustGainAtEqualStandard;

  @JsonPropertyDescription(
      "Standard accuracy minus the curve's at the same robust accuracy, in percentage points.")
  public Double standardGainAtEqualRobust;

  @JsonPropertyDescription("Fields above that rely on the curve beyond its reference range.")
  public List<String> extrapolated;
}
