package dev.arrest.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs a command line (kubectl, helm, the control plane's scripts) and captures its output. */
final class Cli {
  private Cli() {}

  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** Throws with the command's output unless it exited 0; returns this. */
    Result check(String what) {
      if (!ok()) {
        throw new AssertionError(
            what
                + " failed (exit "
                + exitCode
                + "): "
                + String.join(" ", command)
                + "\n--- stdout\n"
                + stdout
                + "\n--- stderr\n"
                + stderr);
      }
      return this;
    }

    /** stderr without kubectl's warning about the version skew to the 1.20 server. */
    String errors() {
      return stderr
          .lines()
          .filter(line -> !line.contains("version difference") && !line.contains("skew"))
          .collect(Collectors.joining("\n"));
    }
  }

  static Result run(List<String> command, Duration timeout) {
    return run(command, Map.of(), timeout);
  }

  static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile("cli-", ".out");
      Path err = Files.createTempFile("cli-", ".err");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
          return new Result(
              command,
              -1,
              Files.readString(out),
              Files.readString(err) + "\n(timed out after " + timeout + ")");
        }
        return new Result(
            command,
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }
}
