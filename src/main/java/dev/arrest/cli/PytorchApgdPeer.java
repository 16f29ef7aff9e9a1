package dev.arrest.cli;

import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.attack.ThreatModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PyTorch eager peer of {@code benchmark-autoattack}'s APGD-CE: {@code
 * /benchmarks/pytorch_apgd_ce.py}, the same algorithm (schedule, checkpoints, momentum, one
 * restart) on the same SmallCNN architecture and sample count, run by a Python with PyTorch.
 */
final class PytorchApgdPeer {
  static final String SCRIPT = "/benchmarks/pytorch_apgd_ce.py";

  /**
   * @param line the peer's result line, with its settings
   */
  record Result(double imagesPerSecond, double robustAccuracy, String line) {}

  private PytorchApgdPeer() {}

  static Result run(
      String python,
      int samples,
      int batchSize,
      ThreatModel threat,
      int iterations,
      int threads,
      long seed)
      throws IOException, InterruptedException {
    Path script = Files.createTempFile("pytorch_apgd_ce", ".py");
    try {
      try (InputStream in = PytorchApgdPeer.class.getResourceAsStream(SCRIPT)) {
        Files.write(script, in.readAllBytes());
      }
      List<String> command =
          List.of(
              python,
              script.toString(),
              "--samples",
              Integer.toString(samples),
              "--batch-size",
              Integer.toString(batchSize),
              "--epsilon",
              Double.toString(threat.epsilon()),
              "--norm",
              threat.norm() == Norm.LINF ? "linf" : "l2",
              "--iterations",
              Integer.toString(iterations),
              "--threads",
              Integer.toString(threads),
              "--seed",
              Long.toString(seed));
      Process process;
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw failure(command, e.getMessage(), "");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      if (exit != 0) {
        throw failure(command, "exit " + exit, output);
      }
      try {
        return parse(output);
      } catch (IllegalArgumentException e) {
        throw failure(command, e.getMessage(), output);
      }
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** The result line of the peer's output ({@code images_per_second=... robust_accuracy=...}). */
  static Result parse(String output) {
    String line =
        output
            .lines()
            .filter(l -> l.startsWith("images_per_second="))
            .reduce((first, second) -> second)
            .orElseThrow(
                () -> new IllegalArgumentException("no line starting with images_per_second="));
    Map<String, String> fields = new HashMap<>();
    for (String token : line.trim().split("\\s+")) {
      int equals = token.indexOf('=');
      if (equals > 0) {
        fields.put(token.substring(0, equals), token.substring(equals + 1));
      }
    }
    return new Result(
        number(fields, "images_per_second", line), number(fields, "robust_accuracy", line), line);
  }

  private static double number(Map<String, String> fields, String key, String line) {
    String value = fields.get(key);
    try {
      double number = Double.parseDouble(value);
      if (!Double.isFinite(number) || number < 0) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NullPointerException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "the peer's line has no valid " + key + " (a non-negative number): " + line);
    }
  }

  private static IllegalStateException failure(List<String> command, String why, String output) {
    return new IllegalStateException(
        String.format(
            Locale.ROOT,
            "PyTorch APGD-CE peer failed (%s): %s%n%s%nInstall PyTorch with: apt-get install"
                + " python3-torch (or pass --python PATH), or skip the peer with --no-pytorch",
            String.join(" ", command),
            why,
            output));
  }
}
