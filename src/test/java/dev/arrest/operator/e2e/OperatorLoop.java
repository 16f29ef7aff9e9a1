package dev.arrest.operator.e2e;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.operator.OperatorRunner;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.metrics.MetricsServer;
import dev.arrest.operator.rbac.OperatorPermissions;
import dev.arrest.operator.testing.ApiRequests;
import dev.arrest.operator.testing.FakeCluster;
import dev.arrest.operator.testing.FakeKubelet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The whole loop in one JVM: a {@link FakeCluster}, the real JOSDK operator as {@link
 * OperatorRunner} assembles it (with its /metrics endpoint), and a {@link FakeKubelet} running each
 * Job's container command as a local process.
 */
final class OperatorLoop implements AutoCloseable {
  /** The user agent of the operator's own client, whose requests the cluster records. */
  static final String OPERATOR_AGENT = "arrest-operator-under-test";

  final FakeCluster cluster = new FakeCluster();
  final KubernetesClient client = cluster.client();
  private final KubernetesClient operatorClient = cluster.newClient(OPERATOR_AGENT);
  final FakeKubelet kubelet;
  private OperatorRunner operator;
  private MetricsServer metrics;

  OperatorLoop(Path volume) {
    kubelet = new FakeKubelet(cluster, volume);
  }

  /**
   * Starts (or restarts) the operator with a fresh registry, as a new operator process would have.
   */
  OperatorLoop startOperator() throws IOException {
    return startOperator(Duration.ofSeconds(1));
  }

  /** Starts the operator reading a running stage's progress every {@code progressInterval}. */
  OperatorLoop startOperator(Duration progressInterval) throws IOException {
    return startOperator(progressInterval, Set.of());
  }

  /** ... and watching only {@code namespaces} (all when empty). */
  OperatorLoop startOperator(Duration progressInterval, Set<String> namespaces) throws IOException {
    CollectorRegistry registry = new CollectorRegistry(true);
    OperatorSettings settings = OperatorSettings.defaults().withProgressInterval(progressInterval);
    operator =
        new OperatorRunner(operatorClient, settings, namespaces, null, registry, Clock.systemUTC())
            .start();
    metrics = new MetricsServer(0, registry);
    return this;
  }

  void stopOperator() {
    operator.close();
    metrics.close();
  }

  ArrestTraining get(String namespace, String name) {
    return client.resources(ArrestTraining.class).inNamespace(namespace).withName(name).get();
  }

  ArrestTraining awaitTraining(
      String namespace, String name, Predicate<ArrestTraining> condition, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    ArrestTraining training = get(namespace, name);
    while (Instant.now().isBefore(deadline)) {
      training = get(namespace, name);
      if (training != null && condition.test(training)) {
        return training;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "timed out after "
            + timeout
            + " waiting for "
            + namespace
            + "/"
            + name
            + "; last seen status: "
            + (training == null
                ? "deleted"
                : io.fabric8.kubernetes.client.utils.Serialization.asJson(training.getStatus())));
  }

  static Predicate<ArrestTraining> inPhase(TrainingPhase phase) {
    return training -> training.getStatus() != null && training.getStatus().phase == phase;
  }

  static Predicate<ArrestTraining> finished() {
    return training ->
        training.getStatus() != null
            && training.getStatus().phase != null
            && training.getStatus().phase.isFinal();
  }

  String scrapeMetrics() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + metrics.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return response.body();
  }

  /** "METHOD path?query" of every request the operator made so far, in order. */
  List<String> operatorRequests() {
    return cluster.requests(OPERATOR_AGENT);
  }

  /** The operator's count of reconciliations so far. */
  double reconciliations() throws IOException, InterruptedException {
    return scrapeMetrics()
        .lines()
        .filter(line -> line.startsWith("arrest_operator_reconciliations_total "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
        .sum();
  }

  /** What the operator asked the API server for, in RBAC terms. */
  Set<ApiRequests.Access> operatorAccesses() {
    return ApiRequests.accesses(cluster.requests(OPERATOR_AGENT));
  }

  /** Every operator request so far that the chart's RBAC (OperatorPermissions) would deny. */
  List<ApiRequests.Access> deniedAccesses() {
    return operatorAccesses().stream()
        .filter(
            access ->
                OperatorPermissions.TRAININGS.stream()
                    .noneMatch(
                        rule -> rule.allows(access.group(), access.resource(), access.verb())))
        .toList();
  }

  @Override
  public void close() throws Exception {
    kubelet.close();
    if (operator != null) {
      stopOperator();
    }
    List<ApiRequests.Access> denied = deniedAccesses();
    operatorClient.close();
    cluster.close();
    // Every loop test doubles as an RBAC check: a request the chart's RBAC would deny fails it.
    if (!denied.isEmpty()) {
      throw new AssertionError(
          "the operator made requests that OperatorPermissions (and so the chart's RBAC) do"
              + " not allow: "
              + denied);
    }
  }
}
