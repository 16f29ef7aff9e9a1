package dev.arrest.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.arrest.api.spec.KubernetesFormats;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Where and in which order the trainer pods are scheduled. Ignored by local runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingSpec {

  @JsonPropertyDescription("Node labels the trainer pods require, as in a Pod's spec.nodeSelector.")
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription(
      "Tolerations of the trainer pods, as in a Pod's spec.tolerations (e.g. for tainted GPU"
          + " nodes).")
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity of the trainer pods, as in a Pod's spec.affinity.")
  public Affinity affinity;

  @Pattern(KubernetesFormats.DNS_SUBDOMAIN)
  @Size(max = KubernetesFormats.DNS_SUBDOMAIN_MAX_LENGTH)
  @JsonPropertyDescription("PriorityClass of the trainer pods (an object name).")
  public String priorityClassName;

  @JsonPropertyDescription(
      "Kueue LocalQueue to submit the stage Jobs to: sets the kueue.x-k8s.io/queue-name label and"
          + " creates the Jobs suspended so that Kueue admits them. Requires Kueue in the cluster."
          + " A label value: at most 63 letters, digits, '-', '_' or '.'.")
  @Pattern(KubernetesFormats.LABEL_VALUE)
  @Size(max = KubernetesFormats.LABEL_VALUE_MAX_LENGTH)
  public String queueName;
}
