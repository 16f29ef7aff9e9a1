package dev.arrest.chart;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
 * Runs the real helm binary on the chart. Found through $HELM, then .ci/setup.sh's install
 * (~/.cache/arrest-ci/tools/helm/helm, or $ARREST_TOOLS/helm/helm), then PATH. Without one the
 * tests are skipped with a message, except under CI=true, where they fail: CI must run them.
 */
final class Helm {
  static final Path CHART = Path.of("helm", "arrest-operator");
  static final Path VALUES = Path.of("src", "test", "resources", "helm");
  static final String RELEASE = "arrest-operator";
  static final String NAMESPACE = "arrest-system";
  private static final ObjectMapper YAML = new YAMLMapper();

  private Helm() {}

  record Result(int exitCode, String stdout, String stderr) {
    Result requireSuccess(String what) {
      if (exitCode != 0) {
        fail(what + " exited " + exitCode + ":\n" + stderr + stdout);
      }
      return this;
    }
  }

  static Path binary() {
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(System.getenv("HELM"))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .ifPresent(candidates::add);
    Optional.ofNullable(System.getenv("ARREST_TOOLS"))
        .filter(s -> !s.isBlank())
        .map(dir -> Path.of(dir, "helm", "helm"))
        .ifPresent(candidates::add);
    candidates.add(
        Path.of(System.getProperty("user.home"), ".cache", "arrest-ci", "tools", "helm", "helm"));
    String path = System.getenv("PATH");
    if (path != null) {
      Stream.of(path.split(":")).map(dir -> Path.of(dir, "helm")).forEach(candidates::add);
    }
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message =
        "no helm binary (set HELM, or run bash .ci/setup.sh, which installs it into "
            + "~/.cache/arrest-ci/tools/helm/helm)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message + ": CI must run the chart tests");
    }
    Assumptions.abort(message);
    return null;
  }

  static Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("helm", ".out");
      Path err = Files.createTempFile("helm", ".err");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail("helm timed out: " + command);
        }
        return new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code helm template} of the chart with the given extra arguments (e.g. -f FILE, --set K=V).
   */
  static Result template(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template", RELEASE, CHART.toString(), "--namespace", NAMESPACE, "--include-crds"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** The rendered objects, one JSON tree each. */
  static List<JsonNode> objects(String rendered) {
    List<JsonNode> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(rendered)) {
      var iterator = YAML.readValues(parser, JsonNode.class);
      while (iterator.hasNext()) {
        JsonNode node = iterator.next();
        if (node != null && !node.isNull() && !node.isMissingNode() && node.size() > 0) {
          objects.add(node);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("helm template printed no valid YAML:\n" + rendered, e);
    }
    return objects;
  }
}
