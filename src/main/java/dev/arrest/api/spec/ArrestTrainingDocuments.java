package dev.arrest.api.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.arrest.api.v1alpha1.ArrestTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads and writes ArrestTraining documents (YAML or JSON) exactly as {@code kubectl apply} would
 * take them, so that the local run and the cluster share one format. Unknown fields are errors here
 * (a typo must not silently fall back to a default), and every error names the field.
 */
public final class ArrestTrainingDocuments {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ArrestTrainingDocuments() {}

  /** Reads and validates a document; throws {@link SpecException} naming each bad field. */
  public static ArrestTraining read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new SpecException(file.toString(), List.of("file not found: " + file.toAbsolutePath()));
    } catch (IOException e) {
      throw new SpecException(
          file.toString(), List.of("cannot read " + file + ": " + e.getMessage()));
    }
    return parse(text, file.toString());
  }

  /** Parses and validates a document given as YAML or JSON text. */
  public static ArrestTraining parse(String text, String source) {
    ArrestTraining training;
    try {
      JsonNode tree = YAML.readTree(text);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        throw new SpecException(source, List.of("the document is empty"));
      }
      // Checked on the raw document: the resource class fills in its own apiVersion and kind.
      List<String> header = checkHeader(tree);
      if (!header.isEmpty()) {
        throw new SpecException(source, header);
      }
      training = YAML.treeToValue(tree, ArrestTraining.class);
    } catch (JsonMappingException e) {
      throw new SpecException(source, List.of(describe(e)));
    } catch (JsonProcessingException e) {
      throw new SpecException(
          source,
          List.of("not a valid YAML/JSON document: " + e.getOriginalMessage() + locationOf(e)));
    }
    List<String> problems = SpecValidator.validate(training);
    if (!problems.isEmpty()) {
      throw new SpecException(source, problems);
    }
    return training;
  }

  /**
   * Writes a document as YAML without its status (the exact spec a run used, recorded next to its
   * results).
   */
  public static String toYaml(ArrestTraining training) {
    try {
      ObjectNode tree = YAML.valueToTree(training);
      tree.remove("status");
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize ArrestTraining", e);
    }
  }

  /** A deep copy, e.g. a sweep point's document derived from the sweep's. */
  static ArrestTraining copy(ArrestTraining training) {
    try {
      return YAML.treeToValue(YAML.valueToTree(training), ArrestTraining.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot copy ArrestTraining", e);
    }
  }

  private static List<String> checkHeader(JsonNode tree) {
    List<String> problems = new ArrayList<>();
    String apiVersion = tree.path("apiVersion").asText(null);
    if (!ArrestTraining.API_VERSION.equals(apiVersion)) {
      problems.add("apiVersion: expected " + ArrestTraining.API_VERSION + ", found " + apiVersion);
    }
    String kind = tree.path("kind").asText(null);
    if (!"ArrestTraining".equals(kind)) {
      problems.add("kind: expected ArrestTraining, found " + kind);
    }
    return problems;
  }

  private static String describe(JsonMappingException e) {
    String field =
        e.getPath().stream()
            .map(
                ref ->
                    ref.getFieldName() != null
                        ? "." + ref.getFieldName()
                        : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining())
            .replaceFirst("^\\.", "");
    if (e instanceof UnrecognizedPropertyException unknown) {
      return field + ": unknown field; known fields here: " + unknown.getKnownPropertyIds();
    }
    if (e instanceof InvalidFormatException invalid && invalid.getTargetType().isEnum()) {
      String allowed =
          Arrays.stream(invalid.getTargetType().getEnumConstants())
              .map(Object::toString)
              .collect(Collectors.joining(", "));
      return field + ": '" + invalid.getValue() + "' is not one of: " + allowed;
    }
    return field + ": " + e.getOriginalMessage() + locationOf(e);
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }
}
