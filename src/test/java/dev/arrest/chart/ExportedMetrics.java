package dev.arrest.chart;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.AttackAccuracy;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.StageStatuses;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingProgress;
import dev.arrest.api.v1alpha1.TrainingResults;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.metrics.ApiRequestMetrics;
import dev.arrest.operator.metrics.ReconcileMetrics;
import dev.arrest.operator.metrics.ReconcileQueueMetrics;
import dev.arrest.operator.metrics.ReferenceCurveMetrics;
import dev.arrest.operator.metrics.TrainingMetrics;
import dev.arrest.operator.testing.Trainings;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;

/**
 * A registry holding everything the operator process registers (the same collectors as
 * OperatorRunner and ArrestOperator), with a running and a finished training mirrored into it, so
 * that every metric family has samples.
 */
final class ExportedMetrics {
  private ExportedMetrics() {}

  static CollectorRegistry registry() {
    CollectorRegistry registry = new CollectorRegistry(true);
    DefaultExports.register(registry);
    TrainingMetrics training = new TrainingMetrics(registry);
    new ReconcileMetrics(registry).start().close();
    new ReconcileQueueMetrics(registry);
    new ApiRequestMetrics(registry)
        .record("GET", URI.create("https://api:6443/apis/batch/v1/namespaces/ml/jobs?watch=true"));
    ReferenceCurveMetrics.register(registry);
    training.update(running());
    ArrestTraining done = evaluated();
    training.update(done);
    training.recordTransition(done, null);
    return registry;
  }

  /** The registry in the Prometheus text format, as /metrics serves it. */
  static String text(CollectorRegistry registry) {
    StringWriter out = new StringWriter();
    try {
      TextFormat.write004(out, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static ArrestTraining running() {
    ArrestTraining training = Trainings.fashionMnist("live");
    training.getMetadata().setNamespace("ml");
    training.setStatus(new ArrestTrainingStatus());
    training.getStatus().phase = TrainingPhase.FINETUNING;
    TrainingProgress progress = new TrainingProgress();
    progress.stage = "finetune";
    progress.fraction = 0.5;
    progress.loss = 1.2;
    progress.rgkdLoss = 0.1;
    progress.noisyReplayRate = 0.2;
    progress.accuracy = 0.6;
    progress.imagesPerSecond = 900.0;
    progress.etaSeconds = 60.0;
    training.getStatus().progress = progress;
    return training;
  }

  static ArrestTraining evaluated() {
    ArrestTraining training = Trainings.fashionMnist("done");
    training.getMetadata().setNamespace("ml");
    training.setStatus(new ArrestTrainingStatus());
    training.getStatus().phase = TrainingPhase.SUCCEEDED;
    training.getStatus().stages = new StageStatuses();
    training.getStatus().stages.pretrain = finishedStage(120);
    training.getStatus().stages.finetune = finishedStage(300);
    training.getStatus().stages.evaluate = finishedStage(30);
    TrainingResults results = new TrainingResults();
    results.standardAccuracy = 0.85;
    results.robustAccuracy = 0.7;
    results.tradeoffScore = 1.5;
    AttackAccuracy attack = new AttackAccuracy();
    attack.name = "pgd-20";
    attack.robustAccuracy = 0.7;
    results.attacks = List.of(attack);
    training.getStatus().results = results;
    return training;
  }

  private static TrainingStageStatus finishedStage(double seconds) {
    TrainingStageStatus stage = new TrainingStageStatus();
    stage.phase = StagePhase.SUCCEEDED;
    stage.durationSeconds = seconds;
    return stage;
  }
}
