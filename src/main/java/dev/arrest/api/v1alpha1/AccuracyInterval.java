package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A range of accuracies in percent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AccuracyInterval {

  @JsonPropertyDescription("Lower end, in percent.")
  public Double from;

  @JsonPropertyDescription("Upper end, in percent.")
  public Double to;
}
