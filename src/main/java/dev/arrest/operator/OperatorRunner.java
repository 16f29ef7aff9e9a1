package dev.arrest.operator;

import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.ServerCapabilities;
import dev.arrest.operator.jobs.StageJobInformers;
import dev.arrest.operator.jobs.StageJobs;
import dev.arrest.operator.metrics.ReconcileMetrics;
import dev.arrest.operator.metrics.ReconcileQueueMetrics;
import dev.arrest.operator.metrics.ReferenceCurveMetrics;
import dev.arrest.operator.metrics.TrainingMetrics;
import dev.arrest.operator.progress.PodLogProgressReader;
import dev.arrest.operator.reconciler.ArrestTrainingReconciler;
import dev.arrest.operator.reconciler.TrainingLifecycle;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the operator: the JOSDK Operator with the ArrestTraining controller and everything it
 * uses. Shared by the main class and the end-to-end tests, so the tests run the operator as
 * deployed.
 */
public final class OperatorRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorRunner.class);

  private final Operator operator;
  private final TrainingLifecycle lifecycle;
  private final boolean leaderElected;

  /**
   * @param namespaces namespaces to watch; empty for all
   * @param leaderElection null to run without leader election (a single replica)
   */
  public OperatorRunner(
      KubernetesClient client,
      OperatorSettings settings,
      Set<String> namespaces,
      LeaderElectionConfiguration leaderElection,
      CollectorRegistry registry,
      Clock clock) {
    ServerCapabilities server = ServerCapabilities.of(serverVersion(client));
    server.fallbacks().forEach(LOG::warn);
    TrainingEvents events = new TrainingEvents(client, clock);
    StageJobInformers jobInformers = new StageJobInformers();
    leaderElected = leaderElection != null;
    lifecycle =
        new TrainingLifecycle(
            settings,
            server,
            new StageJobs(client, jobInformers),
            new PodLogProgressReader(client),
            events,
            clock);
    ArrestTrainingReconciler reconciler =
        new ArrestTrainingReconciler(
            lifecycle,
            new TrainingMetrics(registry),
            new ReconcileMetrics(registry),
            events,
            jobInformers);
    ReferenceCurveMetrics.register(registry);
    ReconcileQueueMetrics queue = new ReconcileQueueMetrics(registry);
    operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withMetrics(queue)
                  // The reconciler writes the status itself (PUT with optimistic locking), which
                  // works on every API server and on Fabric8's mock server; nothing is server-side
                  // applied.
                  .withUseSSAToPatchPrimaryResource(false);
              if (leaderElection != null) {
                overrider.withLeaderElectionConfiguration(
                    announcingLeadership(leaderElection, lifecycle::startedReconciling));
              }
            });
    operator.register(
        reconciler,
        configuration -> {
          if (namespaces.isEmpty()) {
            configuration.watchingAllNamespaces();
          } else {
            configuration.settingNamespaces(namespaces);
          }
        });
  }

  /** The API server's version; null (the oldest supported server is assumed) if unreadable. */
  private static VersionInfo serverVersion(KubernetesClient client) {
    try {
      return client.getKubernetesVersion();
    } catch (RuntimeException e) {
      LOG.warn(
          "Cannot read the API server's version ({}); assuming Kubernetes 1.20", e.getMessage());
      return null;
    }
  }

  public OperatorRunner start() {
    if (!leaderElected) {
      lifecycle.startedReconciling();
    }
    operator.start();
    return this;
  }

  /** The same configuration, whose start of leadership also runs {@code started} first. */
  private static LeaderElectionConfiguration announcingLeadership(
      LeaderElectionConfiguration configuration, Runnable started) {
    LeaderCallbacks callbacks =
        configuration
            .getLeaderCallbacks()
            .orElse(new LeaderCallbacks(() -> {}, () -> {}, leader -> {}));
    return new LeaderElectionConfiguration(
        configuration.getLeaseName(),
        configuration.getLeaseNamespace().orElse(null),
        configuration.getLeaseDuration(),
        configuration.getRenewDeadline(),
        configuration.getRetryPeriod(),
        configuration.getIdentity().orElse(null),
        new LeaderCallbacks(
            () -> {
              started.run();
              callbacks.onStartLeading();
            },
            callbacks::onStopLeading,
            callbacks::onNewLeader),
        configuration.isExitOnStopLeading());
  }

  public Operator operator() {
    return operator;
  }

  @Override
  public void close() {
    operator.stop();
  }
}
