package dev.arrest.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the CLI end-to-end tests share: the real dataset they need and an in-process {@code arrest}.
 */
final class CliFixture {
  private CliFixture() {}

  static void assumeFashionMnist() {
    assumeTrue(
        Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
        "Fashion-MNIST missing: run .ci/setup.sh (apt-get install dataset-fashion-mnist)");
  }

  static int cli(String... args) {
    return ArrestCli.commandLine().execute(args);
  }
}
