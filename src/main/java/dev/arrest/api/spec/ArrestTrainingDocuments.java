package dev.arrest.api.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arrest.api.v1alpha1.ArrestTraining;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and writes ArrestTraining documents (YAML or JSON) exactly as {@code kubectl apply} and the
 * API server take them, so that the local run and the cluster share one format: types are not
 * coerced, duplicate keys and unknown fields are errors (a typo must not silently fall back to a
 * default), and every error names the field. {@code arrest validate}, {@code arrest run} and the
 * trainer's {@code stage} command (the spec in ARREST_TRAINING) all read through here.
 */
public final class ArrestTrainingDocuments {
  /**
   * etcd's default request limit; the API server refuses larger objects, so nothing larger is a
   * valid ArrestTraining.
   */
  public static final int MAX_DOCUMENT_BYTES = 3 * 1024 * 1024 / 2;

  private static final ObjectMapper YAML = StrictMapper.yaml();

  private static final Pattern NON_FINITE =
      Pattern.compile(
          "Malformed numeric value '([-+]?\\.(?:nan|inf)[^']*)'", Pattern.CASE_INSENSITIVE);

  private ArrestTrainingDocuments() {}

  /** Reads and validates a document; throws {@link SpecException} naming each bad field. */
  public static ArrestTraining read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SpecException(
          file.toString(),
          List.of(FieldPaths.DOCUMENT + ": file not found: " + file.toAbsolutePath()));
    } catch (IOException e) {
      throw new SpecException(
          file.toString(),
          List.of(FieldPaths.DOCUMENT + ": cannot read " + file + ": " + e.getMessage()));
    }
    return parse(bytes, file.toString());
  }

  /** Parses and validates a document given as UTF-8 bytes (a file's content). */
  public static ArrestTraining parse(byte[] document, String source) {
    return parse(decode(document, source), source);
  }

  /** The text of a document, which Kubernetes requires to be UTF-8. */
  static String decode(byte[] document, String source) {
    if (document.length > MAX_DOCUMENT_BYTES) {
      throw tooLarge(source, document.length);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(document))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SpecException(
          source,
          List.of(
              FieldPaths.DOCUMENT
                  + ": not UTF-8 text, as Kubernetes documents are; convert it (e.g. iconv -t"
                  + " UTF-8)"));
    }
  }

  /** Parses and validates a document given as YAML or JSON text. */
  public static ArrestTraining parse(String text, String source) {
    ArrestTraining training = bind(text, source);
    List<String> problems = SpecValidator.validate(training);
    if (!problems.isEmpty()) {
      throw new SpecException(source, problems);
    }
    return training;
  }

  /**
   * The document as the API server would store it: syntax, types, unknown fields and duplicate keys
   * checked, the rules of {@link SpecValidator} not yet.
   */
  static ArrestTraining bind(String text, String source) {
    if (text.length() > MAX_DOCUMENT_BYTES) {
      throw tooLarge(source, text.length());
    }
    JsonNode tree;
    try {
      tree = YAML.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
    } catch (JsonProcessingException e) {
      throw new SpecException(source, List.of(describeSyntax(e)));
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new SpecException(source, List.of(FieldPaths.DOCUMENT + ": the document is empty"));
    }
    if (!tree.isObject()) {
      throw new SpecException(
          source,
          List.of(
              FieldPaths.DOCUMENT
                  + ": expected a mapping with apiVersion, kind, metadata and spec, found "
                  + describeNode(tree)));
    }
    // Checked on the raw document: the resource class fills in its own apiVersion and kind.
    List<String> header = checkHeader(tree);
    if (!header.isEmpty()) {
      throw new SpecException(source, header);
    }
    ArrestTraining training;
    try {
      training = YAML.treeToValue(DocumentTree.normalize(tree), ArrestTraining.class);
    } catch (JsonMappingException e) {
      throw new SpecException(source, List.of(describe(e, tree)));
    } catch (JsonProcessingException e) {
      throw new SpecException(source, List.of(describeSyntax(e)));
    }
    List<String> unknown = unknownMetadataFields(training);
    if (!unknown.isEmpty()) {
      throw new SpecException(source, unknown);
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

  private static SpecException tooLarge(String source, int size) {
    return new SpecException(
        source,
        List.of(
            FieldPaths.DOCUMENT
                + ": "
                + size
                + " bytes; Kubernetes stores objects of at most "
                + MAX_DOCUMENT_BYTES
                + " bytes (1.5 MiB)"));
  }

  private static List<String> checkHeader(JsonNode tree) {
    List<String> problems = new ArrayList<>();
    JsonNode apiVersion = tree.path("apiVersion");
    if (!apiVersion.isTextual() || !ArrestTraining.API_VERSION.equals(apiVersion.textValue())) {
      problems.add(
          "apiVersion: expected "
              + ArrestTraining.API_VERSION
              + ", found "
              + headerValue(apiVersion));
    }
    JsonNode kind = tree.path("kind");
    if (!kind.isTextual() || !"ArrestTraining".equals(kind.textValue())) {
      problems.add("kind: expected ArrestTraining, found " + headerValue(kind));
    }
    return problems;
  }

  private static String headerValue(JsonNode node) {
    return node.isTextual() ? node.textValue() : describeNode(node);
  }

  /**
   * ObjectMeta keeps fields it does not know instead of refusing them; kubectl's validation refuses
   * them, and so do we.
   */
  private static List<String> unknownMetadataFields(ArrestTraining training) {
    if (training.getMetadata() == null) {
      return List.of();
    }
    Map<String, Object> extra = training.getMetadata().getAdditionalProperties();
    return extra.keySet().stream()
        .sorted()
        .map(key -> "metadata" + FieldPaths.field(key) + ": unknown field")
        .toList();
  }

  /** A YAML/JSON syntax error (or a limit of the reader), at the field where reading stopped. */
  private static String describeSyntax(JsonProcessingException e) {
    String path =
        e.getProcessor() instanceof JsonParser parser
            ? FieldPaths.of(parser.getParsingContext())
            : FieldPaths.DOCUMENT;
    String message = String.valueOf(e.getOriginalMessage());
    Matcher nonFinite = NON_FINITE.matcher(message);
    if (nonFinite.find()) {
      return path
          + ": must be a finite number, found "
          + nonFinite.group(1)
          + " (the API server cannot store NaN or infinity)";
    }
    if (message.contains("nesting depth")) {
      return path
          + ": nested more than "
          + StrictMapper.MAX_NESTING_DEPTH
          + " levels deep; an ArrestTraining needs far fewer"
          + lineOf(e);
    }
    return path + ": not a valid YAML/JSON document: " + firstLine(message) + lineOf(e);
  }

  private static String describe(JsonMappingException e, JsonNode tree) {
    String field = FieldPaths.of(e.getPath());
    if (e instanceof UnrecognizedPropertyException unknown) {
      return field + ": unknown field; known fields here: " + unknown.getKnownPropertyIds();
    }
    Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
    if (target != null) {
      JsonNode found = tree.at(pointer(e.getPath()));
      if (e instanceof InvalidFormatException invalid && target.isEnum() && found.isTextual()) {
        return field + ": '" + invalid.getValue() + "' is not one of: " + enumValues(target);
      }
      return field + ": expected " + expected(target) + ", found " + describeNode(found);
    }
    return field + ": " + firstLine(String.valueOf(e.getOriginalMessage()));
  }

  private static JsonPointer pointer(List<JsonMappingException.Reference> references) {
    JsonPointer pointer = JsonPointer.empty();
    for (JsonMappingException.Reference reference : references) {
      pointer =
          reference.getFieldName() != null
              ? pointer.appendProperty(reference.getFieldName())
              : pointer.appendIndex(reference.getIndex());
    }
    return pointer;
  }

  /** The schema's name for what a Java field holds. */
  private static String expected(Class<?> target) {
    if (target == int.class
        || target == Integer.class
        || target == long.class
        || target == Long.class) {
      return "an integer";
    }
    if (target == double.class || target == Double.class) {
      return "a number";
    }
    if (target == boolean.class || target == Boolean.class) {
      return "a boolean (true or false)";
    }
    if (target == String.class) {
      return "a string";
    }
    if (target.isEnum()) {
      return "one of: " + enumValues(target);
    }
    if (target == Quantity.class) {
      return "a Kubernetes quantity (an integer or a string such as 500m or 8Gi)";
    }
    if (Collection.class.isAssignableFrom(target)) {
      return "a list";
    }
    return "a mapping";
  }

  private static String enumValues(Class<?> target) {
    return Arrays.stream(target.getEnumConstants())
        .map(Object::toString)
        .collect(Collectors.joining(", "));
  }

  private static String describeNode(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isTextual()) {
      String text = node.textValue();
      String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
      return "the string \"" + shown + "\"" + (looksNumeric(text) ? " (remove the quotes)" : "");
    }
    if (node.isNumber()) {
      return "the number " + node.asText();
    }
    if (node.isBoolean()) {
      return "the boolean " + node.asText();
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static boolean looksNumeric(String text) {
    return text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String lineOf(JsonProcessingException e) {
    return e.getLocation() == null || e.getLocation().getLineNr() < 1
        ? ""
        : " (line " + e.getLocation().getLineNr() + ")";
  }
}
