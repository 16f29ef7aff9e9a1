package dev.arrest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus} package, which .ci/setup.sh installs) for
 * the control-plane suite: on a free loopback port, with its own temporary data directory, scraping
 * every {@link #SCRAPE_INTERVAL} the targets the tests give it as a ServiceMonitor of the chart
 * would (the job is the metrics Service's name, {@code honor_labels} keeps the trainings' own
 * namespace label, the target carries the operator's namespace and pod), and evaluating the chart's
 * rendered alert rules. Stopped by {@link #close()}, and by a shutdown hook if the JVM ends first.
 */
final class PrometheusServer implements AutoCloseable {
  static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path directory;
  private final Path targets;
  private final Path log;
  private final int port;
  private final Thread shutdownHook;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, Path directory, int port, Path log) {
    this.process = process;
    this.directory = directory;
    this.targets = directory.resolve("targets.json");
    this.port = port;
    this.log = log;
    this.shutdownHook = new Thread(process::destroyForcibly, "prometheus-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts Prometheus with a scrape job named {@code job} (no targets yet, see {@link #scrape}) and
   * the rule groups of {@code rules} (a Prometheus rule file's text), and waits until it is ready.
   *
   * @param logDirectory where its log goes ({@code prometheus.log}), kept after the suite
   */
  static PrometheusServer start(String job, String rules, Path logDirectory) throws IOException {
    String binary = binary();
    Path directory = Files.createTempDirectory("arrest-prometheus-");
    Files.writeString(directory.resolve("rules.yaml"), rules);
    Files.writeString(directory.resolve("targets.json"), "[]");
    String interval = SCRAPE_INTERVAL.toSeconds() + "s";
    Files.writeString(
        directory.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: %s
          scrape_timeout: %s
          evaluation_interval: %s
        rule_files: [rules.yaml]
        scrape_configs:
          - job_name: %s
            honor_labels: true
            file_sd_configs:
              - files: [targets.json]
                refresh_interval: %s
        """
            .formatted(interval, interval, interval, JSON.writeValueAsString(job), interval));
    int port = freePort();
    Path log = Files.createDirectories(logDirectory).resolve("prometheus.log");
    Process process =
        new ProcessBuilder(
                binary,
                "--config.file=" + directory.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1d")
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(process, directory, port, log);
    try {
      server.awaitReady(Duration.ofMinutes(1));
      return server;
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  /** Whether a prometheus binary is there to start. */
  static boolean installed() {
    try {
      binary();
      return true;
    } catch (AssertionError missing) {
      return false;
    }
  }

  /** The prometheus binary: $PROMETHEUS, else the PATH; refuses to run the suite without one. */
  private static String binary() {
    String configured = System.getenv("PROMETHEUS");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "/usr/bin" : path + ":/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "prometheus"))) {
        return Path.of(dir, "prometheus").toString();
      }
    }
    throw new AssertionError(
        "no prometheus binary: run bash .ci/setup.sh (it installs Debian's prometheus package), or"
            + " set PROMETHEUS");
  }

  private void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited during start-up:\n" + logTail());
      }
      if (status("/-/ready") == 200) {
        return;
      }
      ControlPlaneSuite.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("prometheus was not ready after " + timeout + ":\n" + logTail());
  }

  /** Scrapes {@code 127.0.0.1:port/metrics} with the given target labels (replacing any target). */
  void scrape(int targetPort, Map<String, String> labels) {
    try {
      String document =
          JSON.writeValueAsString(
              List.of(Map.of("targets", List.of("127.0.0.1:" + targetPort), "labels", labels)));
      Path next = directory.resolve("targets.json.new");
      Files.writeString(next, document);
      // A rename, so that Prometheus never reads a half-written file.
      Files.move(
          next, targets, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the target has been scraped successfully. */
  void awaitHealthyTarget(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      JsonNode active = api("/api/v1/targets?state=active").at("/data/activeTargets");
      for (JsonNode target : active) {
        if ("up".equals(target.at("/health").asText())) {
          return;
        }
      }
      ControlPlaneSuite.sleep(Duration.ofMillis(250));
    }
    throw new AssertionError(
        "prometheus scraped no target successfully within "
            + timeout
            + ": "
            + api("/api/v1/targets"));
  }

  /** An instant query's result (the {@code data} object: resultType and result). */
  JsonNode query(String expr, Instant time) {
    return api("/api/v1/query?query=" + encode(expr) + "&time=" + time.toEpochMilli() / 1000.0)
        .at("/data");
  }

  /** A range query's result (the {@code data} object: resultType matrix and result). */
  JsonNode queryRange(String expr, Instant start, Instant end, Duration step) {
    return api("/api/v1/query_range?query="
            + encode(expr)
            + "&start="
            + start.toEpochMilli() / 1000.0
            + "&end="
            + end.toEpochMilli() / 1000.0
            + "&step="
            + step.toMillis() / 1000.0)
        .at("/data");
  }

  /** The values of a label on the series of a selector, as Grafana's label_values() asks. */
  List<String> labelValues(String label, String selector) {
    JsonNode data =
        api("/api/v1/label/" + label + "/values?match[]=" + encode(selector)).at("/data");
    return Stream.of(JSON.convertValue(data, String[].class)).sorted().toList();
  }

  /** The loaded rule groups (GET /api/v1/rules). */
  JsonNode rules() {
    return api("/api/v1/rules").at("/data/groups");
  }

  /** GET of an API path; fails with Prometheus' error message unless the status is success. */
  JsonNode api(String pathAndQuery) {
    HttpResponse<String> response = get(pathAndQuery);
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError(
          "prometheus answered "
              + pathAndQuery
              + " with "
              + response.statusCode()
              + ": "
              + response.body());
    }
    if (!"success".equals(body.at("/status").asText())) {
      throw new AssertionError(
          "prometheus refused "
              + pathAndQuery
              + ": "
              + body.at("/errorType").asText()
              + ": "
              + body.at("/error").asText());
    }
    return body;
  }

  private int status(String path) {
    try {
      return get(path).statusCode();
    } catch (AssertionError e) {
      return -1;
    }
  }

  private HttpResponse<String> get(String pathAndQuery) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("prometheus did not answer " + pathAndQuery + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  Path log() {
    return log;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Stops Prometheus (SIGTERM, then SIGKILL after 10 s) and deletes its data directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or has run: nothing to remove.
      }
      deleteRecursively(directory);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is not worth failing the suite for.
    }
  }
}
