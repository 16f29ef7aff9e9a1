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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output directory that cannot be written is refused before any work, naming the directory and
 * the fix. Tests run as root, which ignores permission bits, so the directory is made unwritable
 * the way that stops root too: a regular file on its path.
 */
class UnwritableOutputTest {
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
  private Path spec;
  private Path file;

  @BeforeEach
  void setUp() throws IOException {
    spec = Files.writeString(directory.resolve("spec.yaml"), SPEC);
    file = Files.writeString(directory.resolve("file.txt"), "not a directory");
  }

  private record Outcome(int exit, String err) {}

  private static Outcome arrest(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previous = System.err;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      return new Outcome(
          ArrestCli.commandLine().execute(args), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(previous);
    }
  }

  private void assertRefused(Outcome outcome, Path output, String reason) {
    assertEquals(2, outcome.exit(), outcome.err());
    assertTrue(
        outcome.err().contains("cannot write to the output directory " + output.toAbsolutePath()),
        outcome.err());
    assertTrue(outcome.err().contains(reason), outcome.err());
    assertTrue(outcome.err().contains("Choose a writable directory with -o DIR"), outcome.err());
    assertFalse(outcome.err().contains("\tat "), "no stack trace: " + outcome.err());
  }

  @Test
  void runRefusesAnOutputDirectoryUnderARegularFile() throws IOException {
    Path output = file.resolve("out");
    assertRefused(
        arrest("run", spec.toString(), "-o", output.toString()), output, "Not a directory");
    assertEquals("not a directory", Files.readString(file), "nothing overwritten");
  }

  @Test
  void runRefusesAnOutputDirectoryThatIsARegularFile() throws IOException {
    assertRefused(
        arrest("run", spec.toString(), "-o", file.toString()),
        file,
        file + " exists and is not a directory");
    assertEquals("not a directory", Files.readString(file), "nothing overwritten");
  }

  @Test
  void stageReportsAFailedResultInItsTerminationMessage() throws IOException {
    Path output = file.resolve("out");
    Path termination = directory.resolve("termination-log");
    Outcome outcome =
        arrest(
            "stage",
            "pretrain",
            "--spec",
            spec.toString(),
            "-o",
            output.toString(),
            "--termination-message-path",
            termination.toString());
    assertRefused(outcome, output, "Not a directory");
    String message = Files.readString(termination);
    assertTrue(message.contains("Failed"), message);
    assertTrue(message.contains("cannot write to the output directory"), message);
  }
}
