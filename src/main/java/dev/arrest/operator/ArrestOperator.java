package dev.arrest.operator;

import dev.arrest.operator.health.HealthServer;
import dev.arrest.operator.metrics.ApiRequestMetrics;
import dev.arrest.operator.metrics.MetricsServer;
import dev.arrest.operator.policy.TrainingPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator process. Every flag can also be given as an environment variable (shown in --help),
 * which is how the Helm chart's Deployment (helm/arrest-operator) configures it.
 */
@Command(
    name = "arrest-operator",
    mixinStandardHelpOptions = true,
    version = "arrest-operator 0.1.0",
    description =
        "Runs ArrestTrainings (arrest.dev/v1alpha1) as pretrain, finetune and evaluate Jobs.")
public final class ArrestOperator implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ArrestOperator.class);

  /** Set once a shutdown has begun; leadership ending after that is expected. */
  private volatile boolean stopping;

  @Option(
      names = "--namespaces",
      defaultValue = "${env:ARREST_WATCH_NAMESPACES:-}",
      description =
          "Comma-separated namespaces to watch; empty watches all (env ARREST_WATCH_NAMESPACES).")
  String namespaces;

  @Option(
      names = "--leader-election",
      defaultValue = "${env:ARREST_LEADER_ELECTION:-false}",
      description =
          "Elect a leader through a Lease, for more than one replica (env ARREST_LEADER_ELECTION).")
  boolean leaderElection;

  @Option(
      names = "--lease-name",
      defaultValue = "${env:ARREST_LEASE_NAME:-arrest-operator-leader}",
      description = "Name of the leader election Lease (env ARREST_LEASE_NAME).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:ARREST_LEASE_NAMESPACE:-${env:POD_NAMESPACE:-}}",
      description =
          "Namespace of the Lease; default: the operator pod's namespace (env"
              + " ARREST_LEASE_NAMESPACE, POD_NAMESPACE).")
  String leaseNamespace;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:ARREST_METRICS_PORT:-8080}",
      description = "Port of /metrics (env ARREST_METRICS_PORT).")
  int metricsPort;

  @Option(
      names = "--health-port",
      defaultValue = "${env:ARREST_HEALTH_PORT:-8081}",
      description = "Port of /healthz and /readyz (env ARREST_HEALTH_PORT).")
  int healthPort;

  @Option(
      names = "--trainer-image",
      defaultValue = "${env:ARREST_TRAINER_IMAGE:-" + OperatorSettings.DEFAULT_TRAINER_IMAGE + "}",
      description = "Trainer image of trainings without spec.image (env ARREST_TRAINER_IMAGE).")
  String trainerImage;

  @Option(
      names = "--default-claim-name",
      defaultValue = "${env:ARREST_DEFAULT_CLAIM_NAME:-}",
      description =
          "PersistentVolumeClaim of trainings without spec.storage.claimName (env"
              + " ARREST_DEFAULT_CLAIM_NAME).")
  String defaultClaimName;

  @Option(
      names = "--progress-interval-seconds",
      defaultValue = "${env:ARREST_PROGRESS_INTERVAL_SECONDS:-15}",
      description =
          "How often a running stage's log is read for progress (env"
              + " ARREST_PROGRESS_INTERVAL_SECONDS).")
  long progressIntervalSeconds;

  @Option(
      names = "--trainer-user-id",
      defaultValue =
          "${env:ARREST_TRAINER_USER_ID:-" + OperatorSettings.DEFAULT_TRAINER_USER_ID + "}",
      description =
          "Non-root user and group id of the trainer containers (env ARREST_TRAINER_USER_ID).")
  long trainerUserId;

  @Option(
      names = "--trainer-read-only-root-filesystem",
      arity = "1",
      defaultValue = "${env:ARREST_TRAINER_READ_ONLY_ROOT_FILESYSTEM:-true}",
      description =
          "Give trainer containers a read-only root filesystem, with a writable emptyDir at /tmp"
              + " (env ARREST_TRAINER_READ_ONLY_ROOT_FILESYSTEM).")
  boolean trainerReadOnlyRootFilesystem;

  @Option(
      names = TrainingPolicy.IMAGES_FLAG,
      defaultValue = "${env:ARREST_ALLOWED_IMAGES:-}",
      description =
          "Comma-separated images spec.image may name besides --trainer-image: exact references,"
              + " prefixes ending in /*, :* or @*, digests sha256:<hex>, or * for any; empty"
              + " allows only --trainer-image (env ARREST_ALLOWED_IMAGES).")
  String allowedImages;

  @Option(
      names = TrainingPolicy.CLAIM_NAMES_FLAG,
      defaultValue = "${env:ARREST_ALLOWED_CLAIM_NAMES:-*}",
      description =
          "Comma-separated PersistentVolumeClaims spec.storage.claimName may name besides"
              + " --default-claim-name, or * for any (env ARREST_ALLOWED_CLAIM_NAMES).")
  String allowedClaimNames;

  @Option(
      names = TrainingPolicy.PRIORITY_CLASSES_FLAG,
      defaultValue = "${env:ARREST_ALLOWED_PRIORITY_CLASSES:-*}",
      description =
          "Comma-separated PriorityClasses spec.scheduling.priorityClassName may name, or * for"
              + " any (env ARREST_ALLOWED_PRIORITY_CLASSES).")
  String allowedPriorityClasses;

  @Option(
      names = TrainingPolicy.TOLERATIONS_FLAG,
      defaultValue = "${env:ARREST_ALLOWED_TOLERATIONS:-*}",
      description =
          "Comma-separated taints spec.scheduling.tolerations may tolerate, as KEY or"
              + " KEY:EFFECT, or * for any (env ARREST_ALLOWED_TOLERATIONS).")
  String allowedTolerations;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ArrestOperator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (progressIntervalSeconds < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--progress-interval-seconds: must be >= 1, found " + progressIntervalSeconds);
    }
    if (trainerUserId < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--trainer-user-id: must be a non-root id (>= 1), found " + trainerUserId);
    }
    OperatorSettings settings =
        new OperatorSettings(
            trainerImage,
            defaultClaimName,
            Duration.ofSeconds(progressIntervalSeconds),
            trainerUserId,
            trainerReadOnlyRootFilesystem,
            policy());
    CollectorRegistry registry = new CollectorRegistry(true);
    DefaultExports.register(registry);
    ApiRequestMetrics apiRequests = new ApiRequestMetrics(registry);
    // Both of Fabric8's HTTP clients are on the classpath (JOSDK brings the JDK one); choose
    // instead of letting Fabric8 pick one at random.
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withHttpClientFactory(new JdkHttpClientFactory())
            .withHttpClientBuilderConsumer(
                http ->
                    http.addOrReplaceInterceptor(ApiRequestMetrics.INTERCEPTOR_NAME, apiRequests))
            .build();
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    // The JVM exits once shutdown hooks return, so the hook waits until the operator has stopped
    // cleanly.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping = true;
                  stopRequested.countDown();
                  try {
                    stopped.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "shutdown"));
    try (MetricsServer metrics = new MetricsServer(metricsPort, registry);
        OperatorRunner runner =
            new OperatorRunner(
                client,
                settings,
                watchedNamespaces(),
                leaderElection(),
                registry,
                Clock.systemUTC());
        HealthServer health =
            HealthServer.forOperator(healthPort, runner.operator().getRuntimeInfo())) {
      runner.start();
      stopRequested.await();
    } finally {
      client.close();
      stopped.countDown();
    }
    return 0;
  }

  TrainingPolicy policy() {
    try {
      return TrainingPolicy.parse(
          allowedImages, allowedClaimNames, allowedPriorityClasses, allowedTolerations);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  Set<String> watchedNamespaces() {
    Set<String> result = new LinkedHashSet<>();
    Arrays.stream(namespaces.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(result::add);
    return result;
  }

  LeaderElectionConfiguration leaderElection() {
    if (!leaderElection) {
      return null;
    }
    if (leaseNamespace == null || leaseNamespace.isBlank()) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--lease-namespace: required with --leader-election (or set POD_NAMESPACE via the"
              + " downward API)");
    }
    // JOSDK's default ends the process with System.exit whenever leadership ends, which deadlocks
    // against a shutdown hook during a planned stop. Exit only when leadership is lost while
    // running, so that a standby takes over and two replicas never reconcile at the same time.
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> {},
            () -> {
              if (!stopping) {
                LOG.error(
                    "Lost leadership of Lease {}/{}; exiting so that another replica takes over",
                    leaseNamespace,
                    leaseName);
                System.exit(1);
              }
            },
            leader -> {});
    return new LeaderElectionConfiguration(
        leaseName,
        leaseNamespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null,
        callbacks,
        false);
  }
}
