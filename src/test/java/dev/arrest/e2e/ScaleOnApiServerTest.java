package dev.arrest.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.operator.OperatorSettings;
import dev.arrest.operator.jobs.TrainerLabels;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How the operator copes with many trainings on a real API server (docs/operator.md, Scale): the
 * operator jar as the chart runs it (its ServiceAccount, its memory limit, the default progress
 * interval, no HTTP trace), {@code scale.trainings} (1000) copies of the cluster example applied
 * one after the other. Their pods first stay Pending (no node serves the namespace), then {@link
 * InstantNode} finishes every stage pod the moment it exists, so all trainings end Succeeded. It
 * prints a table (also in {@code target/scale-report.md}): apply → first Job, reconcile duration
 * from the operator's own histogram, the operator's heap after a full GC, and the API requests the
 * operator makes per second at rest with none, all running and all finished trainings. Run by
 * {@code mvn -B -Pscale verify} (tag {@code scale}, in no other suite).
 */
@Tag("scale")
@ExtendWith(ControlPlaneSuite.class)
class ScaleOnApiServerTest {
  private static final String NS = "scale";
  private static final String CLAIM = "arrest-data";
  private static final String RECONCILES = "arrest_operator_reconciliations_total";
  private static final String RECONCILE_DURATION = "arrest_operator_reconcile_duration_seconds";
  private static final String API_REQUESTS = "arrest_operator_api_requests_total";

  private final int trainings = Integer.getInteger("scale.trainings", 1000);
  private final Duration window = Duration.ofSeconds(Long.getLong("scale.windowSeconds", 60));
  private final Duration settle = Duration.ofSeconds(Long.getLong("scale.settleSeconds", 30));
  private final Duration timeout = Duration.ofMinutes(Long.getLong("scale.timeoutMinutes", 30));

  private final Map<String, Instant> applied = new ConcurrentHashMap<>();
  private final Map<String, Instant> firstJob = new ConcurrentHashMap<>();
  private final Map<String, TrainingPhase> phases = new ConcurrentHashMap<>();
  private final ScaleReport report = new ScaleReport();
  private ControlPlaneSuite.Cluster cluster;
  private OperatorProcess operator;

  @Test
  void manyTrainings(ControlPlaneSuite.Cluster suite) throws Exception {
    assumeTrue(
        Files.isRegularFile(OperatorProcess.OPERATOR_JAR),
        "target/arrest-operator.jar not found: run `mvn package -DskipTests` first");
    cluster = suite;
    createNamespace();
    operator =
        new OperatorProcess(
            cluster.operatorDeployment(),
            cluster.operatorKubeconfig,
            cluster.controlPlane.home().resolve("scale-operator"),
            Map.of(
                "ARREST_PROGRESS_INTERVAL_SECONDS",
                Long.toString(OperatorSettings.DEFAULT_PROGRESS_INTERVAL.toSeconds())),
            false);
    try (SharedIndexInformer<Job> jobs = watchFirstJobs();
        SharedIndexInformer<ArrestTraining> trainingPhases = watchPhases()) {
      operator.start();
      report.note(
          String.format(
              Locale.ROOT,
              "%d trainings (examples/fashion-mnist-cluster.yaml), progress interval %d s, rest"
                  + " windows of %d s after %d s to settle; Kubernetes 1.20 loopback control plane"
                  + " and the operator on this machine's %d cores.",
              trainings,
              OperatorSettings.DEFAULT_PROGRESS_INTERVAL.toSeconds(),
              window.toSeconds(),
              settle.toSeconds(),
              Runtime.getRuntime().availableProcessors()));
      report.note("Load average (1, 5, 15 min) at the start: " + loadAverage());
      restWindow("0 trainings");

      Scrape beforeApply = scrape();
      Instant applyStart = Instant.now();
      applyTrainings();
      Instant applyEnd = Instant.now();
      await("a first Job for every training", () -> firstJob.size() >= trainings);
      Instant allJobs = Instant.now();
      Thread.sleep(settle.toMillis());
      reportApply(beforeApply, scrape(), applyStart, applyEnd, allJobs);

      restWindow(trainings + " running (pods Pending)");
      heapAfterGc(trainings + " running");

      Scrape beforeFinish = scrape();
      Instant finishStart = Instant.now();
      // The node stays to the end: deleting it would have the pod garbage collector delete every
      // pod bound to it, during the last window.
      try (InstantNode node = new InstantNode(cluster.admin, NS)) {
        await("every training finished", () -> finished() >= trainings);
        assertEquals(0, node.failures(), "pods the instant node could not finish");
        Instant allFinished = Instant.now();
        Thread.sleep(settle.toMillis());
        reportFinish(beforeFinish, scrape(), finishStart, allFinished);

        restWindow(trainings + " finished");
        heapAfterGc(trainings + " finished");
      }
      report.note("Load average (1, 5, 15 min) at the end: " + loadAverage());
    } finally {
      report.print();
      System.out.println("operator log: " + operator.logFile());
      operator.close();
    }
  }

  private void createNamespace() {
    cluster
        .admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    cluster
        .admin
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(CLAIM)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteMany")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build())
        .create();
  }

  /** Records when the first Job of each training appeared. */
  private SharedIndexInformer<Job> watchFirstJobs() {
    return cluster
        .admin
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(Job job) {
                String training = job.getMetadata().getLabels().get(TrainerLabels.TRAINING);
                firstJob.putIfAbsent(training, Instant.now());
              }

              @Override
              public void onUpdate(Job before, Job after) {}

              @Override
              public void onDelete(Job job, boolean unknown) {}
            });
  }

  private SharedIndexInformer<ArrestTraining> watchPhases() {
    return cluster
        .admin
        .resources(ArrestTraining.class)
        .inNamespace(NS)
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(ArrestTraining training) {
                record(training);
              }

              @Override
              public void onUpdate(ArrestTraining before, ArrestTraining after) {
                record(after);
              }

              @Override
              public void onDelete(ArrestTraining training, boolean unknown) {}

              private void record(ArrestTraining training) {
                if (training.getStatus() != null && training.getStatus().phase != null) {
                  phases.put(training.getMetadata().getName(), training.getStatus().phase);
                }
              }
            });
  }

  /** Creates the trainings one after the other, as {@code kubectl apply} of a directory would. */
  private void applyTrainings() throws Exception {
    String example = Files.readString(Path.of("examples", "fashion-mnist-cluster.yaml"));
    for (int i = 0; i < trainings; i++) {
      ArrestTraining training = ArrestTrainingDocuments.parse(example, "the cluster example");
      String name = String.format(Locale.ROOT, "scale-%04d", i);
      training.getMetadata().setName(name);
      training.getMetadata().setNamespace(NS);
      cluster.admin.resource(training).create();
      applied.put(name, Instant.now());
    }
  }

  private void reportApply(
      Scrape before, Scrape after, Instant applyStart, Instant applyEnd, Instant allJobs) {
    double applySeconds = secondsBetween(applyStart, applyEnd);
    report.row(
        "trainings applied",
        String.format(
            Locale.ROOT,
            "%d in %s (%s)",
            trainings,
            ScaleReport.seconds(applySeconds),
            ScaleReport.perSecond(trainings, applySeconds)));
    List<Double> latencies = new ArrayList<>();
    applied.forEach(
        (name, at) -> latencies.add(secondsBetween(at, firstJob.getOrDefault(name, allJobs))));
    latencies.sort(Double::compare);
    report.row(
        "apply → first Job, p50 / p99 / max",
        ScaleReport.seconds(percentile(latencies, 0.50))
            + " / "
            + ScaleReport.seconds(percentile(latencies, 0.99))
            + " / "
            + ScaleReport.seconds(latencies.get(latencies.size() - 1)),
        "p99 < 2 s");
    report.row(
        "every first Job created",
        ScaleReport.seconds(secondsBetween(applyEnd, allJobs)) + " after the last apply");
    reconciles(
        "while applying (until " + settle.toSeconds() + " s after the last first Job)",
        before,
        after);
  }

  private void reportFinish(Scrape before, Scrape after, Instant start, Instant allFinished) {
    long succeeded = phases.values().stream().filter(p -> p == TrainingPhase.SUCCEEDED).count();
    report.row(
        "pods finished at once: all trainings final",
        String.format(
            Locale.ROOT,
            "%s, %d Succeeded",
            ScaleReport.seconds(secondsBetween(start, allFinished)),
            succeeded));
    reconciles("while finishing (3 stages each)", before, after);
  }

  private void reconciles(String period, Scrape before, Scrape after) {
    MetricsSnapshot operatorBefore = before.operator();
    MetricsSnapshot operatorAfter = after.operator();
    double count = operatorAfter.sum(RECONCILES) - operatorBefore.sum(RECONCILES);
    TreeMap<Double, Double> buckets =
        operatorAfter.bucketsSince(RECONCILE_DURATION, operatorBefore);
    report.row(
        "reconciles " + period,
        String.format(Locale.ROOT, "%.0f (%.1f per training)", count, count / trainings));
    report.row(
        "reconcile p50 / p99 " + period,
        ScaleReport.millis(MetricsSnapshot.quantile(0.50, buckets))
            + " / "
            + ScaleReport.millis(MetricsSnapshot.quantile(0.99, buckets))
            + " ("
            + ScaleReport.percent(MetricsSnapshot.shareAtOrBelow(0.1, buckets))
            + " ≤ 100 ms)",
        "p99 < 100 ms");
    // What a reconciliation that writes waits for at least: the API server's own time for the
    // writes only the operator makes (its Job creates and status updates).
    TreeMap<Double, Double> writes =
        after
            .apiServer()
            .bucketsSince(
                "apiserver_request_duration_seconds",
                before.apiServer(),
                ScaleOnApiServerTest::operatorWrite);
    report.row(
        "API server's own latency of the operator's writes (Job create, status update), p50 / p99 "
            + period,
        ScaleReport.millis(MetricsSnapshot.quantile(0.50, writes))
            + " / "
            + ScaleReport.millis(MetricsSnapshot.quantile(0.99, writes))
            + String.format(Locale.ROOT, " (%.0f writes)", writes.lastEntry().getValue()));
    Map<MetricsSnapshot.Series, Double> requests =
        operatorAfter.increase(API_REQUESTS, operatorBefore);
    double total = requests.values().stream().mapToDouble(Double::doubleValue).sum();
    report.row(
        "operator API requests " + period,
        String.format(
            Locale.ROOT,
            "%.0f (%.1f per training): %s",
            total,
            total / trainings,
            ScaleReport.requestsByKind(requests)));
  }

  private static boolean operatorWrite(MetricsSnapshot.Series series) {
    return (series.label("verb").equals("POST") && series.label("resource").equals("jobs"))
        || (series.label("verb").equals("PUT")
            && series.label("resource").equals("arresttrainings")
            && series.label("subresource").equals("status"));
  }

  /** The operator's API requests per second over a window in which the test changes nothing. */
  private void restWindow(String state) throws Exception {
    Thread.sleep(settle.toMillis());
    MetricsSnapshot operatorBefore = scrapeOperator();
    MetricsSnapshot serverBefore = scrapeApiServer();
    Thread.sleep(window.toMillis());
    MetricsSnapshot operatorAfter = scrapeOperator();
    MetricsSnapshot serverAfter = scrapeApiServer();
    Map<MetricsSnapshot.Series, Double> requests =
        operatorAfter.increase(API_REQUESTS, operatorBefore);
    double total = requests.values().stream().mapToDouble(Double::doubleValue).sum();
    double seconds = window.toSeconds();
    report.row(
        "operator API requests at rest, " + state,
        ScaleReport.perSecond(total, seconds) + ": " + ScaleReport.requestsByKind(requests),
        "independent of finished trainings");
    report.row(
        "reconciles at rest, " + state,
        ScaleReport.perSecond(
            operatorAfter.sum(RECONCILES) - operatorBefore.sum(RECONCILES), seconds));
    report.row(
        "API server requests at rest (all clients), " + state,
        ScaleReport.perSecond(
            serverAfter.sum("apiserver_request_total")
                - serverBefore.sum("apiserver_request_total"),
            seconds));
  }

  /** Heap in use right after a full GC (jcmd GC.run), and the process's resident memory. */
  private void heapAfterGc(String state) throws Exception {
    Cli.run(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(operator.pid()),
                "GC.run"),
            Duration.ofMinutes(1))
        .check("jcmd GC.run");
    MetricsSnapshot metrics = scrapeOperator();
    report.row(
        "operator heap after GC, " + state,
        ScaleReport.mib(
                metrics.sum("jvm_memory_bytes_used", series -> series.label("area").equals("heap")))
            + " (max "
            + ScaleReport.mib(
                metrics.sum("jvm_memory_bytes_max", series -> series.label("area").equals("heap")))
            + ", RSS "
            + ScaleReport.mib(metrics.sum("process_resident_memory_bytes"))
            + ")",
        "< 256 MiB");
  }

  /** The machine's load averages: the cores are shared, so figures depend on what else runs. */
  private static String loadAverage() throws java.io.IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + ", " + fields[1] + ", " + fields[2];
  }

  private long finished() {
    return phases.values().stream().filter(TrainingPhase::isFinal).count();
  }

  /** The operator's and the API server's metrics at one moment. */
  private record Scrape(MetricsSnapshot operator, MetricsSnapshot apiServer) {}

  private Scrape scrape() {
    return new Scrape(scrapeOperator(), scrapeApiServer());
  }

  private MetricsSnapshot scrapeOperator() {
    return MetricsSnapshot.parse(operator.metrics());
  }

  private MetricsSnapshot scrapeApiServer() {
    return MetricsSnapshot.parse(cluster.admin.raw(cluster.controlPlane.server() + "/metrics"));
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        String progress =
            String.format(
                Locale.ROOT,
                "first Jobs of %d trainings, %d finished, of %d",
                firstJob.size(),
                finished(),
                trainings);
        report.row(what, "not within " + timeout.toMinutes() + " min: " + progress);
        throw new AssertionError(
            "timed out waiting for "
                + what
                + " ("
                + progress
                + "); operator log: "
                + operator.logTail(20));
      }
      Thread.sleep(200);
    }
  }

  private static double secondsBetween(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  /** The nearest-rank percentile of sorted values. */
  private static double percentile(List<Double> sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
