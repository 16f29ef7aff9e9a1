package dev.arrest.operator.metrics;

import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.StageStatuses;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What happened to trainings over time: trainings started and finished (by phase and reason) and
 * how long their stages took. Counted from a status transition the operator has written (the status
 * before a reconciliation against the one it stored), so each transition is counted once, by the
 * operator replica that made it, also across restarts. Labels are bounded (no training name) so
 * that these series outlive the trainings without growing with them.
 */
final class TrainingOutcomeMetrics {
  private static final List<String> STAGES = List.of("pretrain", "finetune", "evaluate");

  /** The reason of a succeeded training's Ready condition (TrainingLifecycle.SUCCEEDED). */
  private static final String SUCCEEDED_REASON = "Succeeded";

  private final Counter started;
  private final Counter finished;
  private final Histogram stageDuration;

  TrainingOutcomeMetrics(CollectorRegistry registry) {
    started =
        Counter.build(
                "arrest_trainings_started_total",
                "ArrestTrainings the operator took on (their status got its first phase).")
            .labelNames("namespace", "method")
            .register(registry);
    finished =
        Counter.build(
                "arrest_trainings_finished_total",
                "ArrestTrainings that reached a final phase (Succeeded or Failed), by the reason of"
                    + " their Ready condition (e.g. StageFailed).")
            .labelNames("namespace", "method", "phase", "reason")
            .register(registry);
    stageDuration =
        Histogram.build(
                "arrest_training_stage_duration_seconds",
                "Duration of finished stage Jobs (pretrain, finetune, evaluate; a sweep's points"
                    + " included), from the Job's start to its completion, by the stage's final"
                    + " phase.")
            .labelNames("stage", "phase")
            // From a tiny test budget to a two-day GPU finetuning.
            .buckets(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400, 172800)
            .register(registry);
    for (String stage : STAGES) {
      stageDuration.labels(stage, StagePhase.SUCCEEDED.toString());
      stageDuration.labels(stage, StagePhase.FAILED.toString());
    }
  }

  /**
   * Creates the series a training of this namespace and method will count into, at 0, and those of
   * every stage: a counter that first appears at 1 shows no increase in Prometheus, so the first
   * finished training or stage would be missing from rates and increases.
   */
  void known(String namespace, String method) {
    started.labels(namespace, method);
    finished.labels(namespace, method, TrainingPhase.SUCCEEDED.toString(), SUCCEEDED_REASON);
  }

  /** Counts the transitions from {@code before} to {@code after} (either may be null). */
  void record(
      String namespace, String method, ArrestTrainingStatus before, ArrestTrainingStatus after) {
    if (after == null || after.phase == null) {
      return;
    }
    if (before == null || before.phase == null) {
      started.labels(namespace, method).inc();
    }
    boolean wasFinal = before != null && before.phase != null && before.phase.isFinal();
    if (after.phase.isFinal() && !wasFinal) {
      String reason =
          Conditions.find(after.conditions, Conditions.READY)
              .map(Condition::getReason)
              .orElse("Unknown");
      finished.labels(namespace, method, after.phase.toString(), reason).inc();
    }
    Map<String, TrainingStageStatus> previous = stagesOf(before);
    stagesOf(after)
        .forEach(
            (key, stage) -> {
              TrainingStageStatus earlier = previous.get(key);
              if (finished(stage)
                  && !finished(earlier)
                  && stage.durationSeconds != null
                  && stage.durationSeconds >= 0) {
                String name = key.substring(key.indexOf('/') + 1);
                stageDuration.labels(name, stage.phase.toString()).observe(stage.durationSeconds);
              }
            });
  }

  private static boolean finished(TrainingStageStatus stage) {
    return stage != null
        && (stage.phase == StagePhase.SUCCEEDED || stage.phase == StagePhase.FAILED);
  }

  /** The stages of a status by "owner/stage": "training/pretrain", "point 3/finetune", .... */
  private static Map<String, TrainingStageStatus> stagesOf(ArrestTrainingStatus status) {
    Map<String, TrainingStageStatus> stages = new LinkedHashMap<>();
    if (status == null) {
      return stages;
    }
    StageStatuses own = status.stages;
    if (own != null) {
      putIfPresent(stages, "training/pretrain", own.pretrain);
      putIfPresent(stages, "training/finetune", own.finetune);
      putIfPresent(stages, "training/evaluate", own.evaluate);
    }
    List<PointStatus> points = status.points == null ? List.of() : status.points;
    for (PointStatus point : points) {
      if (point.stages != null) {
        String owner = "point " + Objects.toString(point.id);
        putIfPresent(stages, owner + "/finetune", point.stages.finetune);
        putIfPresent(stages, owner + "/evaluate", point.stages.evaluate);
      }
    }
    return stages;
  }

  private static void putIfPresent(
      Map<String, TrainingStageStatus> stages, String key, TrainingStageStatus stage) {
    if (stage != null) {
      stages.put(key, stage);
    }
  }
}
