package dev.arrest.api.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed CRD in crds/ must be what the Java API classes generate. */
class CrdUpToDateTest {
  static final String FILE = "arresttrainings.arrest.dev-v1.yml";
  static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8", FILE);
  static final Path COMMITTED = Path.of("crds", FILE);

  @Test
  void committedCrdMatchesTheGeneratedOne() throws Exception {
    assertTrue(
        Files.isRegularFile(GENERATED),
        GENERATED
            + " is missing: the crd-generator-maven-plugin runs at"
            + " process-classes, so run the tests through Maven (mvn test)");
    assertEquals(
        Files.readString(GENERATED),
        Files.readString(COMMITTED),
        COMMITTED
            + " is stale: it differs from the CRD generated from dev.arrest.api.v1alpha1. Run"
            + " `mvn process-classes` (which copies "
            + GENERATED
            + " to crds/) and commit crds/.");
  }
}
