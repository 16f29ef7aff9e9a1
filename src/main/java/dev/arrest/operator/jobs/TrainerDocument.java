package dev.arrest.operator.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import java.util.List;

/**
 * The ArrestTraining document a trainer pod receives in its {@code ARREST_TRAINING} variable:
 * apiVersion, kind, name, namespace and the applied spec, i.e. exactly what {@code arrest run}
 * reads from a file, without the cluster's metadata and status.
 */
public final class TrainerDocument {
  public static final String ENV_VAR = "ARREST_TRAINING";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private TrainerDocument() {}

  public static String json(ArrestTraining training, ArrestTrainingSpec spec) {
    ObjectNode document = MAPPER.createObjectNode();
    document.put("apiVersion", ArrestTraining.API_VERSION);
    document.put("kind", "ArrestTraining");
    ObjectNode metadata = document.putObject("metadata");
    metadata.put("name", training.getMetadata().getName());
    metadata.put("namespace", training.getMetadata().getNamespace());
    document.set("spec", MAPPER.valueToTree(spec));
    return document.toString();
  }

  /** The spec as compact JSON, as recorded in status.appliedSpec. */
  public static String specJson(ArrestTrainingSpec spec) {
    return training(spec).toString();
  }

  /** The spec without its run controls (suspend, restartNonce), which are never frozen. */
  private static JsonNode training(ArrestTrainingSpec spec) {
    ObjectNode tree = MAPPER.valueToTree(spec);
    tree.remove(List.of("suspend", "restartNonce"));
    return tree;
  }

  public static ArrestTrainingSpec parseSpec(String json) {
    try {
      return MAPPER.readValue(json, ArrestTrainingSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "status.appliedSpec is not a valid spec: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Whether a spec says the same as the applied one. Both go through the spec class so that the
   * comparison sees values, not spellings (key order, 0 vs 0.0).
   */
  public static boolean sameSpec(ArrestTrainingSpec spec, String appliedSpecJson) {
    return training(parseSpec(appliedSpecJson)).equals(training(spec));
  }
}
