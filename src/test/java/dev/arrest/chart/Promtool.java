package dev.arrest.chart;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Prometheus' promtool (Debian's {@code prometheus} package, which .ci/setup.sh installs).
 * Found through $PROMTOOL, then the PATH. Without one the tests are skipped with a message, except
 * under CI=true, where they fail: CI must run them.
 */
final class Promtool {
  private Promtool() {}

  record Result(int exitCode, String output) {
    Result requireSuccess(String what) {
      if (exitCode != 0) {
        fail(what + " exited " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  static Path binary() {
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(System.getenv("PROMTOOL"))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .ifPresent(candidates::add);
    String path = System.getenv("PATH");
    if (path != null) {
      Stream.of(path.split(":")).map(dir -> Path.of(dir, "promtool")).forEach(candidates::add);
    }
    candidates.add(Path.of("/usr/bin/promtool"));
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message =
        "no promtool (set PROMTOOL, or run bash .ci/setup.sh, which installs Debian's prometheus"
            + " package)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message + ": CI must run the rule and metric checks");
    }
    Assumptions.abort(message);
    return null;
  }

  /** Runs promtool in {@code directory} with {@code stdin} as its input (null for none). */
  static Result run(Path directory, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("promtool", ".out");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Path in = null;
        if (stdin != null) {
          in = Files.createTempFile("promtool", ".in");
          Files.writeString(in, stdin, StandardCharsets.UTF_8);
          builder.redirectInput(in.toFile());
        }
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail("promtool timed out: " + command);
        }
        if (in != null) {
          Files.deleteIfExists(in);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
