package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** One known method's place in the accuracy-robustness plane, in percent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TradeoffPointSpec {

  @Required
  @JsonPropertyDescription("Method or run name, shown in plots.")
  public String method;

  @Required
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Standard (clean) accuracy in percent.")
  public Double standardAccuracy;

  @Required
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Robust accuracy in percent (AutoAttack where available).")
  public Double robustAccuracy;

  @Required
  @JsonPropertyDescription("Where the numbers come from (paper, leaderboard entry, or run).")
  public String source;
}
