package dev.arrest.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.AttackAccuracy;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.StageStatuses;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingResults;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.metrics.MetricsServer;
import dev.arrest.operator.metrics.ReconcileMetrics;
import dev.arrest.operator.metrics.ReconcileQueueMetrics;
import dev.arrest.operator.metrics.ReferenceCurveMetrics;
import dev.arrest.operator.metrics.TrainingMetrics;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's queries on a real Prometheus in the default suite, without a cluster: the
 * operator's collectors (as OperatorRunner and ArrestOperator register them) serve a training that
 * finetunes for a few seconds and then succeeds, Prometheus scrapes them every second, and every
 * PromQL expression of the dashboard must return what its panel shows ({@link DashboardQueries}).
 * The control-plane suite does the same with the real operator, trainer and API server.
 */
class DashboardOnPrometheusTest {
  private static final Path DASHBOARD =
      Path.of("helm", "arrest-operator", "dashboards", "arrest-operator.json");

  @Test
  void everyDashboardQueryReturnsWhatItsPanelShows() throws Exception {
    if (!PrometheusServer.installed()) {
      String message =
          "no prometheus binary (run bash .ci/setup.sh, which installs Debian's prometheus"
              + " package)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message + ": CI must run this test");
      }
      Assumptions.abort(message);
    }
    CollectorRegistry registry = new CollectorRegistry(true);
    DefaultExports.register(registry);
    TrainingMetrics metrics = new TrainingMetrics(registry);
    ReconcileMetrics reconciles = new ReconcileMetrics(registry);
    new ReconcileQueueMetrics(registry);
    ReferenceCurveMetrics.register(registry);
    ArrestTraining training = Trainings.fashionMnist("quick");
    training.getMetadata().setNamespace("ml");
    training.setStatus(new ArrestTrainingStatus());
    training.getStatus().phase = TrainingPhase.FINETUNING;
    training.getStatus().stages = new StageStatuses();
    training.getStatus().stages.pretrain = stage(StagePhase.SUCCEEDED, 12.0);
    training.getStatus().stages.finetune = stage(StagePhase.RUNNING, null);
    metrics.update(training);

    Instant begin = Instant.now();
    try (MetricsServer server = new MetricsServer(0, registry);
        PrometheusServer prometheus =
            PrometheusServer.start(
                "arrest-operator-metrics",
                "groups: []\n",
                Path.of("target", "dashboard-prometheus"))) {
      prometheus.scrape(
          server.port(), Map.of("namespace", "arrest-system", "pod", "arrest-operator-0"));
      prometheus.awaitHealthyTarget(Duration.ofSeconds(30));
      // Finetuning: progress lines every second, reconciliations as they come.
      for (int second = 0; second < 6; second++) {
        training.getStatus().progress = progress(second / 6.0);
        metrics.update(training);
        reconciles.start().close();
        Thread.sleep(1000);
      }
      ArrestTrainingStatus before =
          Serialization.unmarshal(
              Serialization.asJson(training.getStatus()), ArrestTrainingStatus.class);
      succeed(training.getStatus());
      metrics.update(training);
      metrics.recordTransition(training, before);
      for (int second = 0; second < 6; second++) {
        reconciles.start().close();
        Thread.sleep(1000);
      }
      List<String> problems =
          new DashboardQueries(DASHBOARD, prometheus)
              .problems(
                  begin,
                  Instant.now(),
                  Map.of(
                      "Time to stage end",
                      "the ETA is cleared once the training has succeeded, and this panel shows the"
                          + " latest value only"));
      assertEquals(List.of(), problems);
    }
  }

  private static TrainingProgress progress(double fraction) {
    TrainingProgress progress = new TrainingProgress();
    progress.stage = "finetune";
    progress.epoch = 1;
    progress.fraction = fraction;
    progress.loss = 1.5 - fraction;
    progress.rgkdLoss = 0.1;
    progress.noisyReplayRate = 0.2;
    progress.accuracy = 0.5 + fraction / 4;
    progress.imagesPerSecond = 900.0;
    progress.etaSeconds = 6 - 6 * fraction;
    return progress;
  }

  /** What the lifecycle writes when the evaluation succeeded. */
  private static void succeed(ArrestTrainingStatus status) {
    status.phase = TrainingPhase.SUCCEEDED;
    status.stages.finetune = stage(StagePhase.SUCCEEDED, 6.0);
    status.stages.evaluate = stage(StagePhase.SUCCEEDED, 3.0);
    status.progress.fraction = 1.0;
    status.progress.etaSeconds = null;
    TrainingResults results = new TrainingResults();
    results.standardAccuracy = 0.82;
    results.robustAccuracy = 0.61;
    results.tradeoffScore = 1.5;
    AttackAccuracy attack = new AttackAccuracy();
    attack.name = "pgd-20";
    attack.robustAccuracy = 0.61;
    results.attacks = List.of(attack);
    status.results = results;
  }

  private static TrainingStageStatus stage(StagePhase phase, Double seconds) {
    TrainingStageStatus stage = new TrainingStageStatus();
    stage.phase = phase;
    stage.durationSeconds = seconds;
    return stage;
  }
}
