package dev.arrest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code arrest validate} on the broken specs of issue 13: exit 2, the field, no stack trace. */
class ValidateCommandTest {
  private static final String SPEC =
      """
      apiVersion: arrest.dev/v1alpha1
      kind: ArrestTraining
      metadata:
        name: t
      spec:
        seed: 1
        dataset: {name: fashion-mnist}
        model: {architecture: small-cnn}
        finetuning:
          method: arrest
          attack: {epsilon: 0.1, steps: 3}
      """;

  @TempDir Path directory;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "epsilon: 0.1|epsilon: .nan|spec.finetuning.attack.epsilon: must be a finite number",
        "steps: 3|steps: 2.5|spec.finetuning.attack.steps: expected an integer",
        "epsilon: 0.1|epsilon: 1.0e9|spec.finetuning.attack.epsilon: must be <= 1",
        "name: t|name: Bad_Name!|metadata.name: must be a Kubernetes object name",
        "seed: 1|seed: 1\\n  seed: 2|spec.seed: not a valid YAML/JSON document: Duplicate field",
        "epsilon: 0.1|epsilon: \"0.1\"|spec.finetuning.attack.epsilon: expected a number",
      })
  void refusesWithTheFieldAndExitCode2(String original, String replacement, String expected)
      throws IOException {
    Path spec = directory.resolve("spec.yaml");
    Files.writeString(spec, SPEC.replace(original, replacement.replace("\\n", "\n")));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previous = System.err;
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = ArrestCli.commandLine().execute("validate", spec.toString());
    } finally {
      System.setErr(previous);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, exit, message);
    assertTrue(message.contains("  - " + expected), message);
    assertFalse(message.contains("\tat "), "no stack trace: " + message);
  }
}
