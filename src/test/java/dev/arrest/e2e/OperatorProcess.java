package dev.arrest.e2e;

import dev.arrest.operator.testing.LocalContainer;
import dev.arrest.operator.testing.TrainerCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The operator as the chart deploys it, run as a local process: the container of the chart's
 * Deployment (its command, args and env, {@code /app/arrest-operator.jar} being {@code
 * target/arrest-operator.jar}), authenticated by a kubeconfig that holds only the chart's
 * ServiceAccount token. What differs from the pod: the metrics and health ports are free local
 * ports, {@code HOSTNAME} (the leader election identity) is a fixed pod name that survives restarts
 * as a container restart keeps it, and Fabric8's HTTP log is at trace level (unless turned off) so
 * that {@link RbacUsage} can tell which API requests the operator made. The container's memory
 * limit becomes the JVM's {@code -XX:MaxRAM}, so that the heap is sized as in the pod.
 */
final class OperatorProcess implements AutoCloseable {
  static final Path OPERATOR_JAR = Path.of("target", "arrest-operator.jar");
  static final String IMAGE_OPERATOR_JAR = "/app/arrest-operator.jar";

  /**
   * The ENTRYPOINT of operator/Dockerfile, which runs when the chart's container sets no command.
   */
  static final List<String> IMAGE_ENTRYPOINT = List.of("java", "-jar", IMAGE_OPERATOR_JAR);

  /**
   * Below the chart's terminationGracePeriodSeconds (40), after which the kubelet would SIGKILL the
   * operator.
   */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(35);

  static final String HTTP_LOGGER = "io.fabric8.kubernetes.client.http.HttpLoggingInterceptor";

  private final Container container;
  private final List<Volume> volumes;
  private final String namespace;
  private final String podName;
  private final Path kubeconfig;
  private final Path directory;
  private final Path logFile;
  private final int metricsPort;
  private final int healthPort;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "operator-process");
            thread.setDaemon(true);
            return thread;
          });
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private LocalContainer process;
  private Future<LocalContainer.Termination> termination;
  private int starts;

  /**
   * @param deployment the chart's Deployment of the operator
   * @param kubeconfig a kubeconfig with the ServiceAccount's token
   * @param directory where the process's volumes and its log ({@code operator.log}) go
   */
  OperatorProcess(Deployment deployment, Path kubeconfig, Path directory) throws IOException {
    this(deployment, kubeconfig, directory, Map.of(), true);
  }

  /**
   * @param env environment variables to set over the chart's (e.g. another progress interval)
   * @param traceHttp log every API request (Fabric8's HTTP trace, which {@link RbacUsage} reads);
   *     off for measurements, where the tracing itself would cost
   */
  OperatorProcess(
      Deployment deployment,
      Path kubeconfig,
      Path directory,
      Map<String, String> env,
      boolean traceHttp)
      throws IOException {
    var podSpec = deployment.getSpec().getTemplate().getSpec();
    if (podSpec.getContainers().size() != 1) {
      throw new AssertionError(
          "the operator Deployment should have one container: " + podSpec.getContainers());
    }
    this.namespace = deployment.getMetadata().getNamespace();
    this.podName = deployment.getMetadata().getName() + "-e2e";
    this.kubeconfig = kubeconfig;
    this.directory = Files.createDirectories(directory);
    this.logFile = directory.resolve("operator.log");
    this.volumes = podSpec.getVolumes() == null ? List.of() : podSpec.getVolumes();
    this.metricsPort = freePort();
    this.healthPort = freePort();
    this.container = localized(podSpec.getContainers().get(0), env, traceHttp);
  }

  /** The chart's container with the local differences described above. */
  private Container localized(Container chart, Map<String, String> extraEnv, boolean traceHttp) {
    Map<String, EnvVar> env = new LinkedHashMap<>();
    for (EnvVar var : chart.getEnv() == null ? List.<EnvVar>of() : chart.getEnv()) {
      env.put(var.getName(), var);
    }
    put(env, "KUBECONFIG", kubeconfig.toString());
    put(env, "HOSTNAME", podName);
    put(env, "ARREST_METRICS_PORT", Integer.toString(metricsPort));
    put(env, "ARREST_HEALTH_PORT", Integer.toString(healthPort));
    EnvVar toolOptions = env.get("JAVA_TOOL_OPTIONS");
    String chartOptions =
        toolOptions == null || toolOptions.getValue() == null ? "" : toolOptions.getValue() + " ";
    String options = chartOptions + memoryLimitOption(chart);
    if (traceHttp) {
      options += " -Dorg.slf4j.simpleLogger.log." + HTTP_LOGGER + "=trace";
    }
    put(env, "JAVA_TOOL_OPTIONS", options.strip());
    extraEnv.forEach((name, value) -> put(env, name, value));
    List<String> args = new ArrayList<>();
    List<String> chartArgs = chart.getArgs() == null ? List.of() : chart.getArgs();
    for (int i = 0; i < chartArgs.size(); i++) {
      String arg = chartArgs.get(i);
      if (arg.startsWith("--metrics-port") || arg.startsWith("--health-port")) {
        throw new AssertionError(
            "the chart passes "
                + arg
                + " as an argument; this suite sets the ports through"
                + " ARREST_METRICS_PORT/ARREST_HEALTH_PORT");
      }
      args.add(arg);
    }
    List<String> command =
        chart.getCommand() == null || chart.getCommand().isEmpty()
            ? IMAGE_ENTRYPOINT
            : chart.getCommand();
    return new ContainerBuilder(chart)
        .withCommand(command)
        .withEnv(new ArrayList<>(env.values()))
        .withArgs(args)
        .build();
  }

  /**
   * The container's memory limit as the JVM's idea of physical memory ({@code -XX:MaxRAM}), which
   * is what the JVM reads from the cgroup in the pod; so the chart's {@code MaxRAMPercentage} sizes
   * the heap as in the cluster, not from this machine's memory. Empty without a limit.
   */
  private static String memoryLimitOption(Container chart) {
    if (chart.getResources() == null
        || chart.getResources().getLimits() == null
        || chart.getResources().getLimits().get("memory") == null) {
      return "";
    }
    Quantity limit = chart.getResources().getLimits().get("memory");
    return "-XX:MaxRAM=" + Quantity.getAmountInBytes(limit).toBigInteger();
  }

  private static void put(Map<String, EnvVar> env, String name, String value) {
    env.put(name, new EnvVarBuilder().withName(name).withValue(value).build());
  }

  /** Starts the operator and waits until /readyz answers 200. */
  synchronized OperatorProcess start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the operator is already running");
    }
    starts++;
    appendLog("==== operator start " + starts + " at " + Instant.now() + "\n");
    process =
        LocalContainer.start(
            container,
            this::mountSource,
            this::fieldRef,
            OperatorProcess::command,
            directory,
            this::appendLog);
    LocalContainer started = process;
    termination = executor.submit(started::awaitTermination);
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      if (!started.isAlive()) {
        throw new AssertionError("the operator exited during start-up; log:\n" + logTail(40));
      }
      if (get(healthPort, "/readyz").statusCode() == 200) {
        return this;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the operator was not ready after 2 minutes; log:\n" + logTail(40));
  }

  /**
   * SIGKILL, as when the node or the container runtime kills the operator: no shutdown hook runs.
   */
  synchronized void kill() throws Exception {
    process.kill();
    termination.get(1, TimeUnit.MINUTES);
  }

  /** SIGTERM, as on a planned stop; returns the exit code. */
  synchronized int stop() throws Exception {
    if (process == null || !process.isAlive()) {
      return -1;
    }
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    try {
      return termination.get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).exitCode();
    } catch (java.util.concurrent.TimeoutException e) {
      appendLog(
          "==== still running "
              + STOP_TIMEOUT.toSeconds()
              + " s after SIGTERM; thread dump (SIGQUIT):\n");
      Cli.run(List.of("kill", "-QUIT", Long.toString(process.pid())), Duration.ofSeconds(10));
      Thread.sleep(2000);
      process.kill();
      throw new AssertionError(
          "the operator did not exit within "
              + STOP_TIMEOUT.toSeconds()
              + " s of SIGTERM"
              + " (the chart's terminationGracePeriodSeconds is 40); thread dump in "
              + logFile);
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The exit code of an operator that has exited by itself (e.g. on losing its Lease). */
  synchronized int exitCode() throws Exception {
    return termination.get(1, TimeUnit.MINUTES).exitCode();
  }

  /** The operator JVM's process id. */
  synchronized long pid() {
    return process.pid();
  }

  int starts() {
    return starts;
  }

  /** The text of /metrics. */
  String metrics() {
    HttpResponse<String> response = get(metricsPort, "/metrics");
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  /** The local port of /metrics (fixed across restarts, as a pod's port). */
  int metricsPort() {
    return metricsPort;
  }

  /** The pod name the process plays (its HOSTNAME). */
  String podName() {
    return podName;
  }

  /** The name of the chart's operator container. */
  String containerName() {
    return container.getName();
  }

  int healthStatus() {
    return get(healthPort, "/healthz").statusCode();
  }

  private HttpResponse<String> get(int port, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new FailedResponse(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Path logFile() {
    return logFile;
  }

  String log() {
    try {
      synchronized (logFile) {
        return Files.readString(logFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The operator's own log lines (without Fabric8's HTTP trace), last {@code lines} of them. */
  String logTail(int lines) {
    List<String> own = log().lines().filter(line -> !line.contains(HTTP_LOGGER)).toList();
    return String.join("\n", own.subList(Math.max(0, own.size() - lines), own.size()));
  }

  /**
   * Called by the thread copying the process's output too: its own lock, never the one start/stop
   * hold.
   */
  private void appendLog(String text) {
    synchronized (logFile) {
      try {
        Files.writeString(
            logFile,
            text,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static List<String> command(List<String> commandLine) {
    if (commandLine.isEmpty() || !commandLine.get(0).equals("java")) {
      throw new AssertionError("the operator container should run java: " + commandLine);
    }
    if (!commandLine.contains(IMAGE_OPERATOR_JAR)) {
      throw new AssertionError(
          "the operator container should run " + IMAGE_OPERATOR_JAR + ": " + commandLine);
    }
    List<String> mapped = new ArrayList<>();
    mapped.add(TrainerCommand.java());
    for (String part : commandLine.subList(1, commandLine.size())) {
      mapped.add(part.equals(IMAGE_OPERATOR_JAR) ? OPERATOR_JAR.toAbsolutePath().toString() : part);
    }
    return mapped;
  }

  private Path mountSource(VolumeMount mount) {
    Volume volume =
        volumes.stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no volume " + mount.getName() + " in the operator Deployment"));
    if (volume.getEmptyDir() == null) {
      throw new AssertionError(
          "the operator mounts " + volume + "; only emptyDir volumes are played here");
    }
    try {
      return Files.createDirectories(directory.resolve("volumes").resolve(volume.getName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String fieldRef(String fieldPath) {
    return switch (fieldPath) {
      case "metadata.namespace" -> namespace;
      case "metadata.name" -> podName;
      default -> null;
    };
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    if (isAlive()) {
      stop();
    }
    executor.shutdownNow();
  }

  /** A response for a connection that failed (the process is not listening yet or any more). */
  private record FailedResponse(IOException error) implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return -1;
    }

    @Override
    public HttpRequest request() {
      return null;
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    @Override
    public String body() {
      return error.toString();
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return java.util.Optional.empty();
    }

    @Override
    public URI uri() {
      return null;
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
