package dev.arrest.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fabric8's Kubernetes mock server in CRUD mode, with the ArrestTraining CRD from crds/ installed
 * (so status is a subresource as in a real cluster) and one addition the CRUD mode lacks: {@code
 * GET pods/{name}/log}, served from logs that the test or the {@link FakeKubelet} writes, honouring
 * {@code tailLines}; and a create with {@code dryRun=All} answers as a server's dry run does
 * instead of storing the object.
 */
public final class FakeCluster implements AutoCloseable {
  private static final Pattern LOG_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?.*)?");
  private static final Pattern TAIL_LINES = Pattern.compile("[?&]tailLines=(\\d+)");

  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private final Map<String, StringBuffer> podLogs = new ConcurrentHashMap<>();

  /** Requests of clients made by {@link #newClient}, by user agent: "METHOD path". */
  private final Map<String, Queue<String>> requestsByAgent = new ConcurrentHashMap<>();

  public FakeCluster() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new LogServingDispatcher(responses),
            false);
    server.init();
    client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(crd()).create();
  }

  /** The CRD exactly as committed in crds/. */
  public static CustomResourceDefinition crd() {
    Path file = Path.of("crds", "arresttrainings.arrest.dev-v1.yml");
    try (InputStream in = Files.newInputStream(file)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  private volatile MockResponse dryRunRefusal;
  private volatile java.util.function.Predicate<String> failing = request -> false;

  /**
   * From now on, requests ("METHOD path") that {@code requests} matches get 500 Internal Server
   * Error, as from an API server or etcd in trouble; {@code request -> false} heals it.
   */
  public void failRequests(java.util.function.Predicate<String> requests) {
    failing = requests;
  }

  /** From now on, every dry-run create is refused with {@code status}, as an API server would. */
  public void refuseDryRuns(io.fabric8.kubernetes.api.model.Status status) {
    dryRunRefusal =
        new MockResponse().setResponseCode(status.getCode()).setBody(Serialization.asJson(status));
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  /**
   * Another client of this server (the JDK HTTP client, as the operator process uses) whose
   * requests are recorded under {@code userAgent}, so that a test can tell what one component asked
   * the API server for.
   */
  public KubernetesClient newClient(String userAgent) {
    requestsByAgent.putIfAbsent(userAgent, new ConcurrentLinkedQueue<>());
    Config config = new ConfigBuilder(client.getConfiguration()).withUserAgent(userAgent).build();
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }

  /**
   * "METHOD path?query" of every request a {@link #newClient} client with this user agent made, in
   * order.
   */
  public List<String> requests(String userAgent) {
    Queue<String> requests = requestsByAgent.get(userAgent);
    return requests == null ? List.of() : List.copyOf(requests);
  }

  /** Appends to a pod's log, as a container writing to stdout would. */
  public void appendLog(String namespace, String pod, String text) {
    podLogs.computeIfAbsent(namespace + "/" + pod, k -> new StringBuffer()).append(text);
  }

  public String log(String namespace, String pod) {
    StringBuffer log = podLogs.get(namespace + "/" + pod);
    return log == null ? "" : log.toString();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  private final class LogServingDispatcher extends KubernetesMixedDispatcher {
    LogServingDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
      super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String agent = request.getHeader("User-Agent");
      Queue<String> recorded = agent == null ? null : requestsByAgent.get(agent);
      if (recorded != null) {
        recorded.add(request.getMethod() + " " + request.getPath());
      }
      if (failing.test(request.getMethod() + " " + request.getPath())) {
        return new MockResponse()
            .setResponseCode(500)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"code\":500,\"reason\":\"InternalError\",\"message\":\"etcdserver:"
                    + " request timed out\"}");
      }
      if ("POST".equals(request.getMethod()) && request.getPath().contains("dryRun=All")) {
        // A dry run is admitted and answered, never stored (the CRUD mode would store it).
        MockResponse refusal = dryRunRefusal;
        return refusal != null
            ? refusal
            : new MockResponse().setResponseCode(201).setBody(request.getUtf8Body());
      }
      if ("GET".equals(request.getMethod())
          && request.getPath().contains("/events?")
          && request.getPath().contains("fieldSelector=involvedObject.")) {
        // The CRUD mode filters on metadata fields only, so it is given none; the caller filters
        // Events itself too (a list by Job name, the informer of FailedCreate Events).
        String path = request.getPath().replaceAll("fieldSelector=[^&]*&?", "");
        return super.dispatch(
            new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                path,
                request.getHeaders(),
                request.getBody()));
      }
      Matcher matcher = LOG_PATH.matcher(request.getPath());
      if ("GET".equals(request.getMethod()) && matcher.matches()) {
        StringBuffer log = podLogs.get(matcher.group(1) + "/" + matcher.group(2));
        if (log == null) {
          return new MockResponse()
              .setResponseCode(404)
              .setBody("{\"kind\":\"Status\",\"code\":404}");
        }
        return new MockResponse()
            .setResponseCode(200)
            .setBody(tail(log.toString(), request.getPath()));
      }
      return super.dispatch(request);
    }

    private String tail(String log, String path) {
      Matcher tail = TAIL_LINES.matcher(path);
      if (!tail.find()) {
        return log;
      }
      List<String> lines = Arrays.asList(log.split("\n", -1));
      int keep = Integer.parseInt(tail.group(1));
      int from = Math.max(0, lines.size() - 1 - keep);
      return String.join("\n", lines.subList(from, lines.size()));
    }
  }
}
