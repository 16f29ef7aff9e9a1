package dev.arrest.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import io.fabric8.generator.annotation.Default;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A local run applies the Java field initializers; the API server applies the CRD's {@code
 * default}s from {@link Default}. They must agree, or the same document would mean two things.
 */
class SchemaDefaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everySchemaDefaultEqualsTheFieldInitializer() throws Exception {
    List<String> checked = new ArrayList<>();
    check(ArrestTrainingSpec.class, checked);
    assertTrue(checked.size() > 20, "walked the spec classes: " + checked);
  }

  private static void check(Class<?> type, List<String> checked) throws Exception {
    Object instance = type.getDeclaredConstructor().newInstance();
    for (Field field : type.getFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      Default annotation = field.getAnnotation(Default.class);
      if (annotation != null) {
        Object initial = field.get(instance);
        Object parsed =
            JSON.readValue(
                JSON.writeValueAsString(annotation.value()).equals("\"" + annotation.value() + "\"")
                        && !(initial instanceof String)
                        && !(initial instanceof Enum<?>)
                    ? annotation.value()
                    : JSON.writeValueAsString(annotation.value()),
                field.getType());
        assertEquals(initial, parsed, type.getSimpleName() + "." + field.getName());
        checked.add(type.getSimpleName() + "." + field.getName());
      }
      if (field.getType().getPackageName().equals(type.getPackageName())
          && !field.getType().isEnum()) {
        check(field.getType(), checked);
      }
    }
  }
}
