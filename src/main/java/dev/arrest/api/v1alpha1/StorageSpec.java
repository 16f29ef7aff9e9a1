package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.arrest.api.spec.KubernetesFormats;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The shared volume through which the stages hand over models. Ignored by local runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

  @JsonPropertyDescription(
      "PersistentVolumeClaim, in the training's namespace, mounted at /workspace in every stage:"
          + " each stage reads the previous stage's model from it and writes its own artifacts to"
          + " /workspace/<namespace>/<name>. It must be ReadWriteMany, or ReadWriteOnce with all"
          + " stages on one node. Default: the operator's --default-claim-name; one of the two is"
          + " required.")
  @Pattern(KubernetesFormats.DNS_SUBDOMAIN)
  @Size(max = KubernetesFormats.DNS_SUBDOMAIN_MAX_LENGTH)
  public String claimName;

  @JsonPropertyDescription(
      "Directory inside the claim to mount instead of its root (a relative path).")
  public String subPath;
}
