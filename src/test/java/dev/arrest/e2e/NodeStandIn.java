package dev.arrest.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.arrest.operator.testing.LocalContainer;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Plays the scheduler and the kubelet of one node for a real API server, which has neither: it
 * registers a Node, binds every pending pod of the namespaces it serves to it (pods/binding, once
 * the PersistentVolumeClaims they mount exist, as the scheduler would insist), runs the pod's
 * container as a local process ({@link LocalContainer}: command mapped by a {@link
 * LocalContainer.CommandMapper}, the Pod's env and args, a local directory per claim) and writes
 * the pod status back through the status subresource: Running, then Succeeded or Failed with the
 * container's exit code, reason and termination message. The real Job controller takes it from
 * there. Like a kubelet it also kills the container of a pod being deleted (at once, SIGKILL) and
 * then removes the pod (grace period 0), and it serves container logs on the Node's kubelet port,
 * so that {@code pods/log} through the API server works as in a cluster.
 *
 * <p>For the unhappy path: it may play several Nodes (pods spread by their Job's name, or to the
 * one a {@code kubernetes.io/hostname} nodeSelector names) and {@link #loseNode lose} one with its
 * pods; a pod no node fits (a missing claim, a nodeSelector no node matches, more than the one
 * nvidia.com/gpu of a node) gets PodScheduled=False, reason Unschedulable and the scheduler's
 * message; a pod whose image is under {@value #UNPULLABLE_REGISTRY} waits in ErrImagePull, then
 * ImagePullBackOff. Each namespace has its own command mapping (the real trainer, a stand-in).
 */
final class NodeStandIn implements AutoCloseable {
  static final String NODE_NAME = "arrest-e2e-node";
  private static final Pattern LOG_PATH =
      Pattern.compile("/containerLogs/([^/]+)/([^/]+)/([^/?]+)");
  private static final Pattern TAIL_LINES = Pattern.compile("(?:^|&)tailLines=(\\d+)");

  private final KubernetesClient client;
  private final Map<String, LocalContainer.CommandMapper> namespaces;
  private final Path root;
  private final List<String> nodeNames;
  private final Set<String> lostNodes = ConcurrentHashMap.newKeySet();
  private final Set<String> lostPods = ConcurrentHashMap.newKeySet();
  private final Map<String, String> podNodes = new ConcurrentHashMap<>();
  private final Map<String, StringBuffer> logs = new ConcurrentHashMap<>();
  private final Map<String, LocalContainer> containers = new ConcurrentHashMap<>();
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  private final Set<String> reportedUnschedulable = ConcurrentHashMap.newKeySet();
  private final Set<String> removed = ConcurrentHashMap.newKeySet();
  private final List<String> problems = new ArrayList<>();
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "node-stand-in");
            thread.setDaemon(true);
            return thread;
          });
  private final HttpsServer kubeletServer;
  private volatile boolean running = true;

  /**
   * @param client a client allowed to bind pods, write their status and register nodes (the
   *     admin's)
   * @param namespaces the namespaces whose pods this node runs; others stay Pending
   * @param root local directory for claims ({@code root/claims/<namespace>/<claim>}) and pod
   *     directories
   * @param commands maps a container's command line to a local one
   */
  NodeStandIn(
      KubernetesClient client,
      Set<String> namespaces,
      Path root,
      LocalContainer.CommandMapper commands)
      throws IOException {
    this(client, mapperPerNamespace(namespaces, commands), root, List.of(NODE_NAME));
  }

  /**
   * @param namespaces the namespaces whose pods these nodes run, each with how its containers'
   *     commands map to local ones
   * @param nodeNames the Nodes to register and spread the pods over (by their Job's name), e.g. a
   *     second one that a test loses ({@link #loseNode})
   */
  NodeStandIn(
      KubernetesClient client,
      Map<String, LocalContainer.CommandMapper> namespaces,
      Path root,
      List<String> nodeNames)
      throws IOException {
    this.client = client;
    this.namespaces = Map.copyOf(namespaces);
    this.root = root;
    this.nodeNames = List.copyOf(nodeNames);
    Files.createDirectories(root);
    kubeletServer = startKubeletServer(root);
    for (String node : nodeNames) {
      registerNode(node, kubeletServer.getAddress().getPort());
    }
    executor.submit(this::loop);
  }

  private static Map<String, LocalContainer.CommandMapper> mapperPerNamespace(
      Set<String> namespaces, LocalContainer.CommandMapper commands) {
    Map<String, LocalContainer.CommandMapper> map = new java.util.HashMap<>();
    namespaces.forEach(namespace -> map.put(namespace, commands));
    return map;
  }

  /** The local directory standing in for a PersistentVolumeClaim. */
  Path claimDirectory(String namespace, String claim) {
    return root.resolve("claims").resolve(namespace).resolve(claim);
  }

  /** The log a container has written so far. */
  String log(String namespace, String pod, String container) {
    StringBuffer log = logs.get(namespace + "/" + pod + "/" + container);
    return log == null ? "" : log.toString();
  }

  /** Whether a container process of the pod is running now. */
  boolean isRunning(String namespace, String pod) {
    LocalContainer container = containers.get(namespace + "/" + pod);
    return container != null && container.isAlive();
  }

  /** What went wrong in the stand-in itself (not in the containers); empty when all went well. */
  List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  private void problem(String text) {
    synchronized (problems) {
      problems.add(text);
    }
    System.err.println("node stand-in: " + text);
  }

  private void registerNode(String nodeName, int kubeletPort) {
    String now = now();
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(nodeName)
                .addToLabels("kubernetes.io/hostname", nodeName)
                .addToLabels("kubernetes.io/os", "linux")
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress("127.0.0.1")
                .endAddress()
                .withNewDaemonEndpoints()
                .withNewKubeletEndpoint()
                .withPort(kubeletPort)
                .endKubeletEndpoint()
                .endDaemonEndpoints()
                .addToCapacity(
                    Map.of(
                        "cpu",
                        new Quantity("4"),
                        "memory",
                        new Quantity("16Gi"),
                        "pods",
                        new Quantity("110"),
                        "nvidia.com/gpu",
                        new Quantity("1")))
                .addToAllocatable(
                    Map.of(
                        "cpu",
                        new Quantity("4"),
                        "memory",
                        new Quantity("16Gi"),
                        "pods",
                        new Quantity("110"),
                        "nvidia.com/gpu",
                        new Quantity("1")))
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withMessage("node stand-in of the control-plane test suite")
                .withLastHeartbeatTime(now)
                .withLastTransitionTime(now)
                .endCondition()
                .withNewNodeInfo()
                .withKubeletVersion("v1.20.2")
                .withOperatingSystem("linux")
                .withArchitecture("amd64")
                .withContainerRuntimeVersion("local-process://1")
                .withKernelVersion("")
                .withOsImage("")
                .withKubeProxyVersion("")
                .withMachineID("")
                .withSystemUUID("")
                .withBootID("")
                .endNodeInfo()
                .endStatus()
                .build())
        .createOr(existing -> existing.update());
  }

  private void loop() {
    while (running) {
      try {
        for (String namespace : namespaces.keySet()) {
          for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
            handle(pod);
          }
        }
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (running) {
          problem("pod loop: " + e);
        }
      }
    }
  }

  private void handle(Pod pod) {
    String key = key(pod);
    String uid = pod.getMetadata().getUid();
    String boundTo = pod.getSpec().getNodeName();
    if (boundTo != null && lostNodes.contains(boundTo)) {
      return; // no kubelet there any more: what happens to the pod is up to the control plane
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      if (removed.add(uid)) {
        executor.submit(() -> remove(pod));
      }
      return;
    }
    boolean pending = boundTo == null || boundTo.isEmpty();
    if (!pending || handled.contains(uid)) {
      return;
    }
    String unschedulable = unschedulable(pod);
    if (unschedulable != null) {
      if (reportedUnschedulable.add(uid)) {
        writeStatus(
            pod,
            status ->
                status.setConditions(
                    List.of(condition("PodScheduled", "False", "Unschedulable", unschedulable))));
      }
      return;
    }
    handled.add(uid);
    String node;
    // Binding and losing a node exclude each other: every pod bound to a lost node is lost with it.
    synchronized (bindings) {
      node = nodeFor(pod);
      if (!bind(pod, node)) {
        return;
      }
      podNodes.put(uid, node);
    }
    if (isUnpullable(pod.getSpec().getContainers().get(0).getImage())) {
      executor.submit(() -> failToPull(pod));
      return;
    }
    executor.submit(() -> run(pod, key, node));
  }

  private final Object bindings = new Object();

  /**
   * Binds the pod to the node, as the scheduler does; false when the pod is gone or being deleted
   * (deleted after the list that found it pending: the API server refuses its binding with 409).
   */
  boolean bind(Pod pod, String node) {
    try {
      client
          .bindings()
          .inNamespace(pod.getMetadata().getNamespace())
          .resource(
              new BindingBuilder()
                  .withNewMetadata()
                  .withName(pod.getMetadata().getName())
                  .endMetadata()
                  .withNewTarget()
                  .withApiVersion("v1")
                  .withKind("Node")
                  .withName(node)
                  .endTarget()
                  .build())
          .create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false; // deleted meanwhile (e.g. its Job was garbage-collected)
      }
      if (e.getCode() == 409 && isGoneOrBeingDeleted(pod)) {
        return false; // the next pass of the loop finds its deletionTimestamp and removes it
      }
      throw e;
    }
  }

  private boolean isGoneOrBeingDeleted(Pod pod) {
    Pod now =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .get();
    return now == null
        || !now.getMetadata().getUid().equals(pod.getMetadata().getUid())
        || now.getMetadata().getDeletionTimestamp() != null;
  }

  /**
   * Images this node can never pull: those of the {@code .invalid} top-level domain, which never
   * resolves (RFC 2606).
   */
  static boolean isUnpullable(String image) {
    return image != null && image.startsWith(UNPULLABLE_REGISTRY + "/");
  }

  /** A registry no node can reach; images under it wait in ErrImagePull/ImagePullBackOff. */
  static final String UNPULLABLE_REGISTRY = "registry.invalid";

  /** The node of a pod: one that is not lost, chosen by the pod's Job name (else its own name). */
  private String nodeFor(Pod pod) {
    List<String> alive = nodeNames.stream().filter(node -> !lostNodes.contains(node)).toList();
    if (alive.isEmpty()) {
      throw new IllegalStateException("every node of the stand-in is lost");
    }
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    String wanted = selector == null ? null : selector.get("kubernetes.io/hostname");
    if (wanted != null && alive.contains(wanted)) {
      return wanted;
    }
    Map<String, String> labels = pod.getMetadata().getLabels();
    String by =
        labels != null && labels.get("job-name") != null
            ? labels.get("job-name")
            : pod.getMetadata().getName();
    return alive.get(Math.floorMod(by.hashCode(), alive.size()));
  }

  /**
   * What a scheduler would say about a pod no node fits, in its words ({@code 0/2 nodes are
   * available: 2 Insufficient nvidia.com/gpu.}); null when it fits. Checked: the claims it mounts
   * exist, its nodeSelector matches the nodes' labels, its GPU limit fits a node's one GPU.
   */
  private String unschedulable(Pod pod) {
    String claim = missingClaim(pod);
    if (claim != null) {
      return claim;
    }
    long nodes = nodeNames.stream().filter(node -> !lostNodes.contains(node)).count();
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null && !selector.isEmpty()) {
      boolean matches =
          selector.entrySet().stream()
              .allMatch(
                  e ->
                      (e.getKey().equals("kubernetes.io/os") && e.getValue().equals("linux"))
                          || (e.getKey().equals("kubernetes.io/hostname")
                              && nodeNames.contains(e.getValue())
                              && !lostNodes.contains(e.getValue())));
      if (!matches) {
        return "0/"
            + nodes
            + " nodes are available: "
            + nodes
            + " node(s) didn't match node selector.";
      }
    }
    for (Container container : pod.getSpec().getContainers()) {
      Quantity gpus =
          container.getResources() == null || container.getResources().getLimits() == null
              ? null
              : container.getResources().getLimits().get(GPU);
      if (gpus != null && gpus.getNumericalAmount().compareTo(GPUS_PER_NODE) > 0) {
        return "0/" + nodes + " nodes are available: " + nodes + " Insufficient " + GPU + ".";
      }
    }
    return null;
  }

  private static final String GPU = "nvidia.com/gpu";
  private static final java.math.BigDecimal GPUS_PER_NODE = java.math.BigDecimal.ONE;

  /**
   * A kubelet that cannot pull the pod's image: the container waits in ErrImagePull, then in
   * ImagePullBackOff, as long as the pod exists.
   */
  private void failToPull(Pod pod) {
    Container container = pod.getSpec().getContainers().get(0);
    String image = container.getImage();
    String pullError =
        "rpc error: code = Unknown desc = failed to pull and unpack image \""
            + image
            + "\": failed to resolve reference \""
            + image
            + "\": dial tcp: lookup "
            + UNPULLABLE_REGISTRY
            + ": no such host";
    String startedAt = now();
    boolean exists =
        writeStatus(
            pod,
            status -> waitingForImage(status, container, startedAt, "ErrImagePull", pullError));
    if (!exists) {
      return;
    }
    sleepQuietly(Duration.ofSeconds(3));
    writeStatus(
        pod,
        status ->
            waitingForImage(
                status,
                container,
                startedAt,
                "ImagePullBackOff",
                "Back-off pulling image \"" + image + "\""));
  }

  private static void waitingForImage(
      io.fabric8.kubernetes.api.model.PodStatus status,
      Container container,
      String startedAt,
      String reason,
      String message) {
    status.setPhase("Pending");
    status.setHostIP("127.0.0.1");
    status.setStartTime(startedAt);
    status.setConditions(
        List.of(
            condition("PodScheduled", "True", null, null),
            condition("Initialized", "True", null, null),
            condition(
                "ContainersReady",
                "False",
                "ContainersNotReady",
                "containers with unready status: [" + container.getName() + "]"),
            condition(
                "Ready",
                "False",
                "ContainersNotReady",
                "containers with unready status: [" + container.getName() + "]")));
    status.setContainerStatuses(
        List.of(
            new ContainerStatusBuilder()
                .withName(container.getName())
                .withImage(container.getImage())
                .withImageID("")
                .withReady(false)
                .withStarted(false)
                .withRestartCount(0)
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .endState()
                .build()));
  }

  /**
   * Loses a node as a machine dies: its trainer processes are killed at once and its kubelet writes
   * nothing more; then, as the control plane of a newer Kubernetes does for such pods, each of its
   * pods is marked Failed with reason NodeLost and a DisruptionTarget condition, and the Node
   * object is deleted (the real 1.20 pod garbage collector then force-deletes what is left of the
   * pods, about a minute later). New pods go to the other nodes.
   *
   * @return the pods that were running on it (namespace/name)
   */
  List<String> loseNode(String nodeName) {
    List<Pod> onNode = new ArrayList<>();
    synchronized (bindings) {
      if (!nodeNames.contains(nodeName) || !lostNodes.add(nodeName)) {
        throw new IllegalArgumentException(
            "not a node of this stand-in, or lost already: " + nodeName);
      }
      for (String namespace : namespaces.keySet()) {
        for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
          String uid = pod.getMetadata().getUid();
          if (nodeName.equals(pod.getSpec().getNodeName()) || nodeName.equals(podNodes.get(uid))) {
            onNode.add(pod);
            lostPods.add(uid);
          }
        }
      }
    }
    List<String> lost = new ArrayList<>();
    for (Pod pod : onNode) {
      LocalContainer container = containers.get(key(pod));
      if (container != null) {
        container.kill();
      }
    }
    for (Pod pod : onNode) {
      if (PodPhases.isTerminal(pod)) {
        continue;
      }
      lost.add(key(pod));
      String message =
          "Node "
              + nodeName
              + " which was running pod "
              + pod.getMetadata().getName()
              + " is unresponsive";
      writeStatus(
          pod,
          status -> {
            status.setPhase("Failed");
            status.setReason("NodeLost");
            status.setMessage(message);
            List<PodCondition> conditions =
                new ArrayList<>(
                    status.getConditions() == null ? List.of() : status.getConditions());
            conditions.removeIf(
                c -> c.getType().equals("Ready") || c.getType().equals("DisruptionTarget"));
            conditions.add(condition("Ready", "False", "NodeLost", message));
            conditions.add(
                condition(
                    "DisruptionTarget", "True", "DeletionByPodGC", "PodGC: node no longer exists"));
            status.setConditions(conditions);
          });
    }
    try {
      client.nodes().withName(nodeName).delete();
    } catch (KubernetesClientException e) {
      problem("cannot delete lost node " + nodeName + ": " + e.getMessage());
    }
    return lost;
  }

  /** The node a pod was bound to by this stand-in; null if it bound none. */
  String nodeOf(Pod pod) {
    return podNodes.get(pod.getMetadata().getUid());
  }

  private static final class PodPhases {
    static boolean isTerminal(Pod pod) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      return "Succeeded".equals(phase) || "Failed".equals(phase);
    }
  }

  private static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * What the scheduler would say about a claim the pod mounts that does not exist; null when all
   * exist.
   */
  private String missingClaim(Pod pod) {
    for (Volume volume : volumes(pod)) {
      if (volume.getPersistentVolumeClaim() != null) {
        String claim = volume.getPersistentVolumeClaim().getClaimName();
        if (client
                .persistentVolumeClaims()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(claim)
                .get()
            == null) {
          return "persistentvolumeclaim \"" + claim + "\" not found";
        }
      }
    }
    return null;
  }

  /**
   * The stand-in advertises one nvidia.com/gpu so that GPU pods bind, but runs them on this
   * machine's CPU. The trainer rightly fails a pod that sees fewer GPUs than its limit
   * (ARREST_EXPECTED_GPUS), so the stand-in leaves that variable out, as if the device were there.
   */
  private static Container cpuOnly(Container container, String podName) {
    List<EnvVar> env =
        new ArrayList<>(
            container.getEnv() == null
                ? List.of()
                : container.getEnv().stream()
                    .filter(var -> !"ARREST_EXPECTED_GPUS".equals(var.getName()))
                    .toList());
    // As a kubelet does: the pod's hostname is its name.
    env.add(new EnvVar("HOSTNAME", podName, null));
    return new ContainerBuilder(container).withEnv(env).build();
  }

  private void run(Pod pod, String key, String node) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String uid = pod.getMetadata().getUid();
    Container container = cpuOnly(pod.getSpec().getContainers().get(0), name);
    String startedAt = now();
    LocalContainer.Termination termination;
    if (lostPods.contains(uid)) {
      return; // its node was lost before the container started
    }
    try {
      Path podDirectory =
          Files.createDirectories(root.resolve("pods").resolve(namespace).resolve(name));
      StringBuffer log =
          logs.computeIfAbsent(key + "/" + container.getName(), k -> new StringBuffer());
      LocalContainer process =
          LocalContainer.start(
              container,
              mount -> mountSource(pod, mount, podDirectory),
              field -> fieldRef(pod, field, node),
              namespaces.get(namespace),
              podDirectory,
              log::append);
      containers.put(key, process);
      if (lostPods.contains(uid)) {
        process.kill(); // its node was lost while the container started
        return;
      }
      boolean reported =
          writeStatus(
              pod,
              status -> {
                status.setPhase("Running");
                status.setHostIP("127.0.0.1");
                status.setPodIP("127.0.0.1");
                status.setStartTime(startedAt);
                status.setConditions(
                    List.of(
                        condition("PodScheduled", "True", null, null),
                        condition("Initialized", "True", null, null),
                        condition("ContainersReady", "True", null, null),
                        condition("Ready", "True", null, null)));
                status.setContainerStatuses(
                    List.of(
                        containerStatus(container, process.pid())
                            .withReady(true)
                            .withStarted(true)
                            .withNewState()
                            .withNewRunning()
                            .withStartedAt(startedAt)
                            .endRunning()
                            .endState()
                            .build()));
              });
      if (!reported) {
        process.kill();
      }
      termination = process.awaitTermination();
      if (lostPods.contains(uid)) {
        return; // its node is lost: no kubelet reports how it ended
      }
      LocalContainer.Termination ended = termination;
      writeStatus(
          pod,
          status -> {
            status.setPhase(ended.succeeded() ? "Succeeded" : "Failed");
            status.setConditions(
                List.of(
                    condition("PodScheduled", "True", null, null),
                    condition("Initialized", "True", null, null),
                    condition("ContainersReady", "False", "PodCompleted", null),
                    condition("Ready", "False", "PodCompleted", null)));
            status.setContainerStatuses(
                List.of(
                    containerStatus(container, process.pid())
                        .withReady(false)
                        .withStarted(false)
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(ended.exitCode())
                        .withReason(ended.reason())
                        .withMessage(ended.message().isEmpty() ? null : ended.message())
                        .withStartedAt(startedAt)
                        .withFinishedAt(now())
                        .withContainerID("local-process://" + process.pid())
                        .endTerminated()
                        .endState()
                        .build()));
          });
    } catch (IOException | RuntimeException e) {
      problem("cannot run pod " + key + ": " + e);
      writeStatus(
          pod,
          status -> {
            status.setPhase("Failed");
            status.setMessage("node stand-in cannot run the container: " + e);
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A pod being deleted: stop its container, then let the deletion complete, as the kubelet does.
   */
  private void remove(Pod pod) {
    LocalContainer container = containers.get(key(pod));
    if (container != null) {
      container.kill();
    }
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .withGracePeriod(0)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        problem("cannot delete pod " + key(pod) + ": " + e.getMessage());
      }
    }
  }

  private interface StatusEdit {
    void apply(io.fabric8.kubernetes.api.model.PodStatus status);
  }

  /** Writes the pod's status through the status subresource; false when the pod is gone. */
  private boolean writeStatus(Pod pod, StatusEdit edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .editStatus(
                current -> {
                  edit.apply(current.getStatus());
                  return current;
                });
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return false;
        }
        if (e.getCode() != 409 || attempt == 5) {
          problem("cannot write the status of pod " + key(pod) + ": " + e.getMessage());
          return false;
        }
      }
    }
  }

  private Path mountSource(Pod pod, VolumeMount mount, Path podDirectory) {
    Volume volume =
        volumes(pod).stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no volume " + mount.getName()));
    Path source;
    if (volume.getPersistentVolumeClaim() != null) {
      source =
          claimDirectory(
              pod.getMetadata().getNamespace(), volume.getPersistentVolumeClaim().getClaimName());
    } else if (volume.getEmptyDir() != null) {
      source = podDirectory.resolve("volumes").resolve(volume.getName());
    } else {
      throw new IllegalArgumentException(
          "volume "
              + volume.getName()
              + ": only persistentVolumeClaim and emptyDir"
              + " volumes are played by this node");
    }
    if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
      source = source.resolve(mount.getSubPath());
    }
    try {
      Files.createDirectories(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return source;
  }

  private static String fieldRef(Pod pod, String fieldPath, String node) {
    return switch (fieldPath) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "spec.nodeName" -> node;
      case "status.podIP", "status.hostIP" -> "127.0.0.1";
      default -> null;
    };
  }

  private static List<Volume> volumes(Pod pod) {
    return pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
  }

  private static ContainerStatusBuilder containerStatus(Container container, long pid) {
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withImageID("local://" + container.getImage())
        .withContainerID("local-process://" + pid)
        .withRestartCount(0);
  }

  private static PodCondition condition(String type, String status, String reason, String message) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(now())
        .build();
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  // ---- The kubelet's log endpoint, which the API server proxies pods/log to ----

  private HttpsServer startKubeletServer(Path directory) throws IOException {
    Path keystore = directory.resolve("kubelet.p12");
    Files.deleteIfExists(keystore);
    Cli.Result generated =
        Cli.run(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "kubelet",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=" + NODE_NAME,
                "-ext",
                "SAN=ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "kubelet",
                "-keypass",
                "kubelet"),
            Duration.ofMinutes(1));
    generated.check("keytool");
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, "kubelet".toCharArray());
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, "kubelet".toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keys.getKeyManagers(), null, null);
      HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      server.createContext("/containerLogs/", this::serveLog);
      server.setExecutor(executor);
      server.start();
      return server;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot set up the kubelet endpoint's TLS", e);
    }
  }

  private void serveLog(HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher path = LOG_PATH.matcher(exchange.getRequestURI().getPath());
      StringBuffer log =
          path.matches()
              ? logs.get(path.group(1) + "/" + path.group(2) + "/" + path.group(3))
              : null;
      byte[] body;
      int code;
      if (log == null) {
        code = 404;
        body = "container not found\n".getBytes(StandardCharsets.UTF_8);
      } else {
        code = 200;
        body =
            tail(log.toString(), exchange.getRequestURI().getRawQuery())
                .getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static String tail(String log, String query) {
    Matcher tail = TAIL_LINES.matcher(query == null ? "" : query);
    if (!tail.find()) {
      return log;
    }
    List<String> lines = Arrays.asList(log.split("\n"));
    int keep = Integer.parseInt(tail.group(1));
    String kept = String.join("\n", lines.subList(Math.max(0, lines.size() - keep), lines.size()));
    return kept.isEmpty() ? kept : kept + "\n";
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    containers.values().forEach(LocalContainer::kill);
    kubeletServer.stop(0);
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
    for (String node : nodeNames) {
      if (lostNodes.contains(node)) {
        continue;
      }
      try {
        client.nodes().withName(node).delete();
      } catch (KubernetesClientException e) {
        // the control plane may already be gone
      }
    }
  }
}
