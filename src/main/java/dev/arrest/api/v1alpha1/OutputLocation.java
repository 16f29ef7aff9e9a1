package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the training's artifacts are. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputLocation {

  @JsonPropertyDescription("PersistentVolumeClaim holding the artifacts.")
  public String claimName;

  @JsonPropertyDescription(
      "Directory of the artifacts relative to the claim's root (spec.storage.subPath, then"
          + " <namespace>/<name>); each stage writes <stage>/stage-result.json and its model"
          + " there.")
  public String path;
}
