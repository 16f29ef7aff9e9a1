package dev.arrest.cli;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SpecException;
import dev.arrest.api.v1alpha1.ArrestTraining;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a command gets its ArrestTraining: a file, or (in trainer pods) the ARREST_TRAINING
 * environment variable.
 */
final class SpecSource {
  static final String ENVIRONMENT_VARIABLE = "ARREST_TRAINING";

  private SpecSource() {}

  static ArrestTraining load(Path file) {
    if (file != null) {
      return ArrestTrainingDocuments.read(file);
    }
    String document = System.getenv(ENVIRONMENT_VARIABLE);
    if (document == null || document.isBlank()) {
      throw new SpecException(
          null,
          List.of(
              "no spec: pass --spec FILE or set "
                  + ENVIRONMENT_VARIABLE
                  + " to the ArrestTraining document"));
    }
    return ArrestTrainingDocuments.parse(document, "from $" + ENVIRONMENT_VARIABLE);
  }
}
