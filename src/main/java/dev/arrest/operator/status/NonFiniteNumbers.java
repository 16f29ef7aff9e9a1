package dev.arrest.operator.status;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Clears NaN and infinite numbers from a status before it is written: JSON has no such numbers and
 * the API server refuses the whole update (422), which would retry forever. A trainer whose loss
 * diverged must not make its training's status unwritable; the field is left out instead and the
 * path reported.
 */
public final class NonFiniteNumbers {
  private static final String MODEL_PACKAGE = "dev.arrest.api.v1alpha1";

  private NonFiniteNumbers() {}

  /** Sets every non-finite Double of the object graph to null; returns their paths. */
  public static List<String> clear(Object root, String path) {
    List<String> cleared = new ArrayList<>();
    visit(root, path, cleared);
    return cleared;
  }

  private static void visit(Object value, String path, List<String> cleared) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        visit(list.get(i), path + "[" + i + "]", cleared);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        visit(entry.getValue(), path + "." + entry.getKey(), cleared);
      }
      return;
    }
    Class<?> type = value.getClass();
    if (type.getPackageName().equals(MODEL_PACKAGE) && !type.isEnum()) {
      for (Field field : type.getFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        try {
          Object fieldValue = field.get(value);
          String fieldPath = path + "." + field.getName();
          if (fieldValue instanceof Double number
              && !Double.isFinite(number)
              && !field.getType().isPrimitive()) {
            field.set(value, null);
            cleared.add(fieldPath);
          } else {
            visit(fieldValue, fieldPath, cleared);
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("status field " + field, e);
        }
      }
    }
  }
}
