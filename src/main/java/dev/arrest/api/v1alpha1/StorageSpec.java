package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The shared volume through which the stages hand over models. Ignored by local runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

  @JsonPropertyDescription(
      "PersistentVolumeClaim, in the training's namespace, mounted at /workspace in every stage:"
          + " each stage reads the previous stage's model from it and writes its own artifacts to"
          + " /workspace/<namespace>/<name>. It must be ReadWriteMany, or ReadWriteOnce with all"
          + " stages on one node. Default: the operator's --default-claim-name; one of the two is"
          + " required.")
  public String claimName;

  @JsonPropertyDescription(
      "Directory inside the claim to mount instead of its root (a relative path).")
  public String subPath;
}
