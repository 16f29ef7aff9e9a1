package dev.arrest.api.spec;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/** Field paths as the messages print them: {@code spec.evaluation.attacks[0].epsilon}. */
final class FieldPaths {
  /** The path of a problem with the document as a whole (not valid YAML, too large, empty). */
  static final String DOCUMENT = "(document)";

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_/-]+");

  private FieldPaths() {}

  /** Where a parser stood when it failed. */
  static String of(JsonStreamContext context) {
    Deque<String> segments = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        segments.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        segments.push(field(c.getCurrentName()));
      }
    }
    return join(String.join("", segments));
  }

  /** The field a data-binding error is about. */
  static String of(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      path.append(
          reference.getFieldName() != null
              ? field(reference.getFieldName())
              : "[" + reference.getIndex() + "]");
    }
    return join(path.toString());
  }

  /**
   * {@code .name}, or {@code ["odd key"]} (JSON-quoted) for a key that is not a plain name, so the
   * path stays readable and unambiguous whatever the document's keys hold.
   */
  static String field(String name) {
    return PLAIN_NAME.matcher(name).matches()
        ? "." + name
        : "[" + JsonNodeFactory.instance.textNode(name) + "]";
  }

  private static String join(String path) {
    String trimmed = path.startsWith(".") ? path.substring(1) : path;
    // A document that is a list, or a top-level key that needs quoting: anchor it to the document.
    return trimmed.isEmpty() || trimmed.startsWith("[") ? DOCUMENT + trimmed : trimmed;
  }
}
