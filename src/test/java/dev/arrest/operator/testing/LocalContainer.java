package dev.arrest.operator.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One container of a pod spec run as a local process, the part of a kubelet that both node
 * stand-ins share (the {@link FakeKubelet} of the mock server and the node stand-in of the
 * real-API-server suite): the container's command and args, with every path under a volume mount
 * rewritten to the local directory standing in for that volume and the termination message path to
 * a temporary file; its env; its output line by line to a log sink; and on exit the termination as
 * a kubelet reports it, including {@code FallbackToLogsOnError}.
 */
public final class LocalContainer {
  /**
   * Maps a container's command line (paths already rewritten to local ones) to the local command to
   * run.
   */
  @FunctionalInterface
  public interface CommandMapper {
    List<String> map(List<String> commandLine);
  }

  /** How the container ended, as in {@code containerStatuses[].state.terminated}. */
  public record Termination(int exitCode, String reason, String message) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  /**
   * The kubelet's limits for a termination message taken from the log: the last 80 lines, at most
   * 2048 bytes.
   */
  static final int FALLBACK_LOG_LINES = 80;

  static final int FALLBACK_LOG_BYTES = 2048;

  /** The kubelet's limit for a termination message file. */
  static final int MAX_MESSAGE_BYTES = 4096;

  private final Container container;
  private final Process process;
  private final Path terminationFile;
  private final Consumer<String> logSink;
  private final List<String> lastLines = new ArrayList<>();
  private volatile boolean killed;

  private LocalContainer(
      Container container, Process process, Path terminationFile, Consumer<String> logSink) {
    this.container = container;
    this.process = process;
    this.terminationFile = terminationFile;
    this.logSink = logSink;
  }

  /**
   * Starts the container.
   *
   * @param mountSource the local directory of a volume mount (its subPath already applied)
   * @param fieldRef the value of an env var's {@code valueFrom.fieldRef.fieldPath}, e.g.
   *     metadata.namespace
   * @param workingDirectory the process's working directory; null for this JVM's
   * @param logSink receives every output line (stdout and stderr), newline included
   */
  public static LocalContainer start(
      Container container,
      Function<VolumeMount, Path> mountSource,
      Function<String, String> fieldRef,
      CommandMapper mapper,
      Path workingDirectory,
      Consumer<String> logSink)
      throws IOException {
    Path terminationFile =
        workingDirectory == null
            ? Files.createTempFile("termination-", ".log")
            : Files.createTempFile(workingDirectory, "termination-", ".log");
    List<String> commandLine = new ArrayList<>();
    for (String part : concat(container.getCommand(), container.getArgs())) {
      commandLine.add(rewritePath(part, container, mountSource, terminationFile));
    }
    ProcessBuilder builder =
        new ProcessBuilder(mapper.map(commandLine))
            .directory(workingDirectory == null ? null : workingDirectory.toFile())
            .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      env.put(var.getName(), valueOf(var, container, fieldRef));
    }
    return new LocalContainer(container, builder.start(), terminationFile, logSink);
  }

  private static String valueOf(
      EnvVar var, Container container, Function<String, String> fieldRef) {
    if (var.getValueFrom() == null) {
      return var.getValue() == null ? "" : var.getValue();
    }
    if (var.getValueFrom().getFieldRef() != null) {
      String value = fieldRef.apply(var.getValueFrom().getFieldRef().getFieldPath());
      if (value != null) {
        return value;
      }
    }
    ResourceFieldSelector resourceField = var.getValueFrom().getResourceFieldRef();
    if (resourceField != null) {
      String value = resourceValue(container, resourceField);
      if (value != null) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "env " + var.getName() + ": this node stand-in cannot resolve " + var.getValueFrom());
  }

  /**
   * A {@code resourceFieldRef} of this container as the kubelet resolves it: the request or limit
   * divided by the divisor (default 1) and rounded up to a whole number. Null for a limit the
   * container does not set (a kubelet would fall back to the node's allocatable, which a stand-in
   * does not have) or a field of another container.
   */
  public static String resourceValue(Container container, ResourceFieldSelector field) {
    if (field.getContainerName() != null
        && !field.getContainerName().isEmpty()
        && !field.getContainerName().equals(container.getName())) {
      return null;
    }
    String[] kindAndName = field.getResource().split("\\.", 2);
    if (kindAndName.length != 2 || container.getResources() == null) {
      return null;
    }
    Map<String, Quantity> quantities =
        switch (kindAndName[0]) {
          case "requests" -> container.getResources().getRequests();
          case "limits" -> container.getResources().getLimits();
          default -> null;
        };
    Quantity quantity = quantities == null ? null : quantities.get(kindAndName[1]);
    if (quantity == null) {
      return null;
    }
    Quantity divisor = field.getDivisor() != null ? field.getDivisor() : new Quantity("1");
    return Quantity.getAmountInBytes(quantity)
        .divide(Quantity.getAmountInBytes(divisor), 0, RoundingMode.CEILING)
        .toPlainString();
  }

  private static String rewritePath(
      String part,
      Container container,
      Function<VolumeMount, Path> mountSource,
      Path terminationFile) {
    if (part.equals(container.getTerminationMessagePath())) {
      return terminationFile.toString();
    }
    for (VolumeMount mount :
        container.getVolumeMounts() == null
            ? List.<VolumeMount>of()
            : container.getVolumeMounts()) {
      if (part.equals(mount.getMountPath()) || part.startsWith(mount.getMountPath() + "/")) {
        return mountSource.apply(mount) + part.substring(mount.getMountPath().length());
      }
    }
    return part;
  }

  /** Copies the output to the log sink until the process exits, then reports the termination. */
  public Termination awaitTermination() throws InterruptedException {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        synchronized (lastLines) {
          lastLines.add(line);
          if (lastLines.size() > FALLBACK_LOG_LINES) {
            lastLines.remove(0);
          }
        }
        logSink.accept(line + "\n");
      }
    } catch (IOException e) {
      logSink.accept("node stand-in: output of the container ended: " + e + "\n");
    }
    int exitCode = process.waitFor();
    String message = "";
    try {
      message = Files.readString(terminationFile);
      Files.deleteIfExists(terminationFile);
    } catch (IOException e) {
      message = "";
    }
    if (message.length() > MAX_MESSAGE_BYTES) {
      message = message.substring(0, MAX_MESSAGE_BYTES);
    }
    if (exitCode != 0
        && message.isEmpty()
        && "FallbackToLogsOnError".equals(container.getTerminationMessagePolicy())) {
      synchronized (lastLines) {
        message = String.join("\n", lastLines);
      }
      if (message.length() > FALLBACK_LOG_BYTES) {
        message = message.substring(message.length() - FALLBACK_LOG_BYTES);
      }
    }
    String reason = exitCode == 0 ? "Completed" : killed ? "Killed" : "Error";
    return new Termination(exitCode, reason, message);
  }

  /** How long a killed process may take to be gone before {@link #kill} gives up. */
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Kills the process and its children (SIGKILL) and returns once they are gone, as a kubelet stops
   * a container before it lets the pod's deletion complete. Without the wait a pod could vanish
   * from the API server while its process is still being torn down.
   */
  public void kill() {
    killed = true;
    List<ProcessHandle> processes = new ArrayList<>(process.descendants().toList());
    processes.add(process.toHandle());
    processes.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle handle : processes) {
      try {
        handle.onExit().get(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(
            "process " + handle.pid() + " still runs " + KILL_TIMEOUT + " after SIGKILL", e);
      }
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a == null ? List.of() : a);
    all.addAll(b == null ? List.of() : b);
    return all;
  }
}
