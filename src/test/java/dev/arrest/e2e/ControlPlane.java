package dev.arrest.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The loopback Kubernetes 1.20 control plane of {@code ../shared/tools/kube-control-plane} (etcd,
 * kube-apiserver with RBAC, kube-controller-manager; no scheduler, no kubelet), started fresh for
 * the suite with its own state directory ({@code target/control-plane}: PKI, etcd data, PIDs, logs,
 * admin kubeconfig) and free ports, so it never meets another developer's control plane on this
 * machine. The binaries are built once into the build home ({@code KCP_BUILD_HOME}, default {@code
 * ~/.cache/kube-control-plane}) by the tools' idempotent {@code install.sh}, on first use. {@link
 * #close} runs {@code stop.sh}, which stops only the PIDs that {@code start.sh} saved.
 */
final class ControlPlane implements AutoCloseable {
  static final Path TOOLS = Path.of("..", "shared", "tools", "kube-control-plane");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Path home;
  private final Map<String, String> env;
  private final KubernetesClient admin;
  private boolean stopped;

  private ControlPlane(Path home, Map<String, String> env) {
    this.home = home;
    this.env = env;
    Config config = Config.fromKubeconfig(null, read(kubeconfig()), kubeconfig().toString());
    this.admin =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build();
  }

  /** Builds the control plane if needed, then starts it fresh. */
  static ControlPlane start() throws IOException {
    Path tools = TOOLS.toAbsolutePath().normalize();
    if (!Files.isExecutable(tools.resolve("start.sh"))) {
      throw new IllegalStateException(
          tools
              + "/start.sh not found: the suite needs ../shared/tools/kube-control-plane"
              + " beside the repository");
    }
    Path buildHome = buildHome();
    ensureBuilt(tools, buildHome);

    Path home = Path.of("target", "control-plane").toAbsolutePath();
    Files.createDirectories(home);
    // What an earlier run left (operator and node directories, logs), except the PKI, which
    // start.sh reuses.
    try (var entries = Files.list(home)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.equals("bin") && !name.equals("pki") && !name.equals("run")) {
          deleteRecursively(entry);
        }
      }
    }
    Path bin = home.resolve("bin");
    if (!Files.isSymbolicLink(bin)) {
      Files.deleteIfExists(bin);
      Files.createSymbolicLink(bin, buildHome.resolve("bin"));
    }
    Map<String, String> env = new HashMap<>(ControlPlaneSuite.Tools.scriptEnv());
    env.put("KCP_HOME", home.toString());
    // A control plane left by an aborted run of this suite: stop.sh stops only the PIDs it saved in
    // home/run.
    Cli.run(List.of("bash", tools.resolve("stop.sh").toString()), env, Duration.ofMinutes(1));
    List<Integer> ports = freePorts(4);
    env.put("ETCD_PORT", ports.get(0).toString());
    env.put("ETCD_PEER_PORT", ports.get(1).toString());
    env.put("APISERVER_PORT", ports.get(2).toString());
    env.put("KCM_PORT", ports.get(3).toString());
    env.put("FRESH", "1");
    Instant begin = Instant.now();
    Cli.Result started =
        Cli.run(List.of("bash", tools.resolve("start.sh").toString()), env, START_TIMEOUT);
    if (!started.ok()) {
      Cli.run(List.of("bash", tools.resolve("stop.sh").toString()), env, Duration.ofMinutes(1));
      throw new AssertionError(
          "the control plane did not start (logs in "
              + home.resolve("logs")
              + "):\n"
              + started.stdout()
              + started.stderr());
    }
    System.out.printf(
        "control plane up in %d s: API server https://127.0.0.1:%s, state in %s%n",
        Duration.between(begin, Instant.now()).toSeconds(), env.get("APISERVER_PORT"), home);
    return new ControlPlane(home, env);
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (var children = Files.list(path)) {
        for (Path child : children.toList()) {
          deleteRecursively(child);
        }
      }
    }
    Files.deleteIfExists(path);
  }

  static Path buildHome() {
    String configured = System.getenv("KCP_BUILD_HOME");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "kube-control-plane");
  }

  private static void ensureBuilt(Path tools, Path buildHome) throws IOException {
    if (Files.isExecutable(buildHome.resolve("bin/kube-apiserver"))
        && Files.isExecutable(buildHome.resolve("bin/kube-controller-manager"))) {
      return;
    }
    Path log = Path.of("target", "control-plane-install.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    System.out.println(
        "building the control plane into " + buildHome + " (one-time, ~5 min; log: " + log + ")");
    Instant begin = Instant.now();
    Cli.Result installed =
        Cli.run(
            List.of("bash", tools.resolve("install.sh").toString()),
            installEnv(buildHome),
            INSTALL_TIMEOUT);
    Files.writeString(log, installed.stdout() + "\n" + installed.stderr());
    installed.check("building the control plane (" + tools.resolve("install.sh") + ")");
    System.out.printf(
        "control plane built in %d s%n", Duration.between(begin, Instant.now()).toSeconds());
  }

  private static Map<String, String> installEnv(Path buildHome) {
    Map<String, String> env = new HashMap<>(ControlPlaneSuite.Tools.scriptEnv());
    env.put("KCP_HOME", buildHome.toString());
    return env;
  }

  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports.add(socket.getLocalPort());
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /** The admin kubeconfig (client certificate, group system:masters). */
  Path kubeconfig() {
    return home.resolve("kubeconfig");
  }

  /** A client with the admin's credentials, for the test's own doings (never for the operator). */
  KubernetesClient admin() {
    return admin;
  }

  /** The API server's URL. */
  String server() {
    return "https://127.0.0.1:" + env.get("APISERVER_PORT");
  }

  /** The cluster CA certificate (PEM). */
  Path caCertificate() {
    return home.resolve("pki").resolve("ca.crt");
  }

  Path home() {
    return home;
  }

  /** The tail of a control-plane component's log, for failure messages. */
  String logTail(String component, int lines) {
    try {
      List<String> all = Files.readAllLines(home.resolve("logs").resolve(component + ".log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the control plane by the PIDs start.sh saved (stop.sh), and wipes its etcd data. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    admin.close();
    Map<String, String> stopEnv = new HashMap<>(env);
    stopEnv.put("WIPE", "1");
    Cli.Result result =
        Cli.run(
            List.of("bash", TOOLS.toAbsolutePath().normalize().resolve("stop.sh").toString()),
            stopEnv,
            Duration.ofMinutes(2));
    System.out.println("control plane stopped: " + result.stdout().strip().replace('\n', ';'));
  }
}
