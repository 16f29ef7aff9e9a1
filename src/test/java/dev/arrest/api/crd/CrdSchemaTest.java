package dev.arrest.api.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import io.fabric8.generator.annotation.Default;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the API server will validate and what {@code kubectl explain} and {@code kubectl get} show,
 * read from the committed CRD: enums spelled as in documents, bounds, defaults, a description on
 * every field of our types, printer columns, short names and categories.
 */
class CrdSchemaTest {
  /** Fabric8 model types reused in the spec: their schemas come without descriptions. */
  private static final Set<String> FOREIGN_TYPES = Set.of("tolerations", "affinity", "conditions");

  private static JsonNode crd;
  private static JsonNode spec;
  private static JsonNode status;

  @BeforeAll
  static void readCrd() throws Exception {
    crd = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(CrdUpToDateTest.COMMITTED));
    JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties");
    spec = schema.get("spec");
    status = schema.get("status");
  }

  private static JsonNode field(JsonNode node, String path) {
    JsonNode current = node;
    for (String name : path.split("\\.")) {
      current = current.path("properties").path(name);
    }
    assertFalse(current.isMissingNode(), "no field " + path);
    return current;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  @Test
  void namesScopeAndStatusSubresource() {
    assertEquals("arrest.dev", crd.at("/spec/group").asText());
    assertEquals("Namespaced", crd.at("/spec/scope").asText());
    assertEquals("v1alpha1", crd.at("/spec/versions/0/name").asText());
    assertEquals(List.of("arrest", "arrests"), texts(crd.at("/spec/names/shortNames")));
    assertEquals(List.of("ml"), texts(crd.at("/spec/names/categories")));
    assertTrue(crd.at("/spec/versions/0/subresources/status").isObject());
  }

  @Test
  void enumsUseTheDocumentSpellings() {
    assertEquals(
        Set.of("at", "trades", "aft", "arrest"),
        Set.copyOf(texts(field(spec, "finetuning.method").get("enum"))));
    assertEquals(
        Set.of("fashion-mnist", "cifar10", "cifar100"),
        Set.copyOf(texts(field(spec, "dataset.name").get("enum"))));
    assertEquals(
        Set.of("small-cnn", "preact-resnet18", "wide-resnet"),
        Set.copyOf(texts(field(spec, "model.architecture").get("enum"))));
    assertEquals(
        Set.of("all", "frontier"),
        Set.copyOf(texts(field(spec, "evaluation.tradeoff.fit").get("enum"))));
    assertEquals(
        Set.of("Always", "IfNotPresent", "Never"),
        Set.copyOf(texts(field(spec, "imagePullPolicy").get("enum"))));
    assertEquals(
        Set.of(
            "Pending",
            "Pretraining",
            "Finetuning",
            "Evaluating",
            "Suspended",
            "Succeeded",
            "Failed"),
        Set.copyOf(texts(field(status, "phase").get("enum"))));
  }

  @Test
  void boundsAreDeclarative() {
    JsonNode epsilon = field(spec, "finetuning.attack.epsilon");
    assertEquals(0.0, epsilon.get("minimum").asDouble());
    assertTrue(epsilon.get("exclusiveMinimum").asBoolean(), "epsilon > 0");
    JsonNode phi = field(spec, "finetuning.noisyReplay.thresholdDegrees");
    assertTrue(phi.get("exclusiveMinimum").asBoolean());
    assertEquals(180.0, phi.get("maximum").asDouble());
    assertFalse(phi.path("exclusiveMaximum").asBoolean(false), "phi <= 180");
    assertEquals(1, field(spec, "finetuning.epochs").get("minimum").asInt());
    assertEquals(1, field(spec, "pretraining.epochs").get("minimum").asInt());
    assertEquals(0, field(spec, "resources.finetune.gpus").get("minimum").asInt());
    assertEquals(0, field(spec, "runPolicy.backoffLimit").get("minimum").asInt());
  }

  @Test
  void sweepListsBoundTheirElementsAsTheValidatorDoes() {
    JsonNode phi = field(spec, "sweep.noisyReplayThresholdDegrees");
    assertEquals(1, phi.get("minItems").asInt());
    assertTrue(phi.at("/items/exclusiveMinimum").asBoolean(), "every phi > 0");
    assertEquals(180.0, phi.at("/items/maximum").asDouble());
    assertTrue(
        field(spec, "sweep.epsilons").at("/items/exclusiveMinimum").asBoolean(),
        "every epsilon > 0");
    assertEquals(0.0, field(spec, "sweep.tradesBetas").at("/items/minimum").asDouble());
    assertEquals(
        Set.of("at", "trades", "aft", "arrest"),
        Set.copyOf(texts(field(spec, "sweep.methods").at("/items/enum"))));
    assertEquals(
        Set.of("at", "trades", "aft", "arrest"),
        Set.copyOf(texts(field(spec, "evaluation.tradeoff.fromSweepMethods").at("/items/enum"))));
    assertEquals(
        Set.of("aft+rgkd", "aft+nr", "arrest"),
        Set.copyOf(texts(field(spec, "sweep.arrestVariants").at("/items/enum"))));
    assertEquals(1, field(spec, "sweep.fromScratch.epochs").at("/minimum").asInt());
    assertEquals("string", field(spec, "pretraining.torchScriptModel").at("/type").asText());
  }

  @Test
  void requiredFieldsAndDefaults() {
    assertEquals(Set.of("dataset", "model", "finetuning"), Set.copyOf(texts(spec.get("required"))));
    assertEquals(List.of("method"), texts(field(spec, "finetuning").get("required")));
    assertEquals(
        37.5, field(spec, "finetuning.noisyReplay.thresholdDegrees").get("default").asDouble());
    assertEquals("IfNotPresent", field(spec, "imagePullPolicy").get("default").asText());
    assertEquals(1, field(spec, "runPolicy.backoffLimit").get("default").asInt());
    assertTrue(
        field(spec, "resources.pretrain.memory").get("x-kubernetes-int-or-string").asBoolean());
  }

  @Test
  void noCelRulesSinceTheTargetApiServerHasNoCel() {
    assertFalse(crd.toString().contains("x-kubernetes-validations"));
  }

  @Test
  void everyFieldOfOurTypesHasADescription() {
    List<String> missing = new ArrayList<>();
    collectUndescribed(spec, "spec", missing);
    collectUndescribed(status, "status", missing);
    assertTrue(
        missing.isEmpty(), "fields without description (add @JsonPropertyDescription): " + missing);
  }

  private static void collectUndescribed(JsonNode node, String path, List<String> missing) {
    node.path("properties")
        .fields()
        .forEachRemaining(
            entry -> {
              String fieldPath = path + "." + entry.getKey();
              JsonNode property = entry.getValue();
              if (!property.hasNonNull("description")
                  || property.get("description").asText().isBlank()) {
                missing.add(fieldPath);
              }
              if (FOREIGN_TYPES.contains(entry.getKey())) {
                return;
              }
              collectUndescribed(property, fieldPath, missing);
              collectUndescribed(property.path("items"), fieldPath + "[]", missing);
              if (property.path("additionalProperties").isObject()) {
                collectUndescribed(property.get("additionalProperties"), fieldPath + "{}", missing);
              }
            });
  }

  @Test
  void printerColumnsShowPhaseReasonRestartsProgressAccuraciesTradeoffSweepScoreAndAge() {
    List<String> columns = new ArrayList<>();
    crd.at("/spec/versions/0/additionalPrinterColumns")
        .forEach(
            column ->
                columns.add(column.get("name").asText() + "=" + column.get("jsonPath").asText()));
    assertEquals(
        Set.of(
            "Phase=.status.phase",
            "Reason=.status.conditions[?(@.type==\"Ready\")].reason",
            "Restarts=.status.restarts",
            "Progress=.status.progress.summary",
            "Standard=.status.results.standardAccuracy",
            "Robust=.status.results.robustAccuracy",
            "Tradeoff=.status.results.tradeoffScore",
            "Sweep=.status.sweep.meanRobustGain",
            "Age=.metadata.creationTimestamp"),
        Set.copyOf(columns));
  }

  /**
   * Java field initializers and schema defaults must agree, or a local run and a cluster run would
   * differ.
   */
  @Test
  void javaDefaultsEqualSchemaDefaults() throws Exception {
    List<String> mismatches = new ArrayList<>();
    compareDefaults(new ArrestTrainingSpec(), "spec", spec, mismatches);
    assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
  }

  private static void compareDefaults(
      Object instance, String path, JsonNode schema, List<String> mismatches)
      throws IllegalAccessException {
    for (Field field : instance.getClass().getFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      JsonNode property = schema.path("properties").path(field.getName());
      Object value = field.get(instance);
      Default annotation = field.getAnnotation(Default.class);
      if (annotation != null) {
        assertNotNull(
            value, path + "." + field.getName() + " has a schema default but no Java default");
        String javaValue = value instanceof Enum<?> ? value.toString() : String.valueOf(value);
        String schemaValue = property.get("default").asText();
        if (!sameValue(javaValue, schemaValue)) {
          mismatches.add(
              path + "." + field.getName() + ": Java " + javaValue + ", schema " + schemaValue);
        }
      } else if (value != null
          && value.getClass().getPackageName().equals(ArrestTrainingSpec.class.getPackageName())
          && !value.getClass().isEnum()) {
        compareDefaults(value, path + "." + field.getName(), property, mismatches);
      }
    }
  }

  private static boolean sameValue(String a, String b) {
    try {
      return Double.parseDouble(a) == Double.parseDouble(b);
    } catch (NumberFormatException e) {
      return a.equals(b);
    }
  }
}
