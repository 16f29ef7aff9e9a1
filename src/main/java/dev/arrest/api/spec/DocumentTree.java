package dev.arrest.api.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Brings a parsed document to the form the API server validates: null fields are dropped (a CRD
 * field that is not nullable is pruned when null, so its default applies), and a float with an
 * integral value (2.0) is an integer, as JSON Schema's {@code integer} type takes it.
 */
final class DocumentTree {
  private static final double LONG_RANGE = 0x1p63;

  private DocumentTree() {}

  static JsonNode normalize(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getValue().isNull()) {
          fields.remove();
        } else {
          field.setValue(normalize(field.getValue()));
        }
      }
      return object;
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, normalize(array.get(i)));
      }
      return array;
    }
    if (node.isFloatingPointNumber()) {
      double value = node.doubleValue();
      if (value == Math.rint(value) && Math.abs(value) < LONG_RANGE) {
        return LongNode.valueOf((long) value);
      }
    }
    return node;
  }
}
