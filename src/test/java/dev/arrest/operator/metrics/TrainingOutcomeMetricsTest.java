package dev.arrest.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.PointStages;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.StagePhase;
import dev.arrest.api.v1alpha1.StageStatuses;
import dev.arrest.api.v1alpha1.TrainingPhase;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.testing.Trainings;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.prometheus.client.CollectorRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trainings started/finished and stage durations, counted once per written transition. */
class TrainingOutcomeMetricsTest {
  private final CollectorRegistry registry = new CollectorRegistry(true);
  private final TrainingMetrics metrics = new TrainingMetrics(registry);

  @Test
  void aTrainingIsCountedOnceAsStartedAndOnceAsFinishedWithItsStageDurations() {
    ArrestTraining training = Trainings.fashionMnist("quick");
    training.getMetadata().setNamespace("ml");
    training.setStatus(status(TrainingPhase.PENDING, StagePhase.PENDING, StagePhase.PENDING));
    // Mirrored first, as the reconciler does: the counters it will count into appear at 0, so that
    // Prometheus sees the first increase.
    metrics.update(training);
    assertEquals(0.0, started());
    assertEquals(0.0, finished("Succeeded", "Succeeded"));
    metrics.recordTransition(training, null);
    assertEquals(1.0, started());

    ArrestTrainingStatus before = copy(training.getStatus());
    training.setStatus(status(TrainingPhase.FINETUNING, StagePhase.SUCCEEDED, StagePhase.RUNNING));
    metrics.recordTransition(training, before);
    // Rewritten with the same phases (e.g. progress moved): nothing new is counted.
    metrics.recordTransition(training, copy(training.getStatus()));
    assertEquals(1.0, started());
    assertEquals(1.0, stageCount("pretrain", "Succeeded"));
    assertEquals(120.0, stageSum("pretrain", "Succeeded"));
    assertEquals(
        0.0, stageCount("finetune", "Failed"), "every stage's series exists from the start");

    before = copy(training.getStatus());
    training.setStatus(status(TrainingPhase.FAILED, StagePhase.SUCCEEDED, StagePhase.FAILED));
    training.getStatus().conditions = new java.util.ArrayList<>();
    Conditions.set(
        training.getStatus().conditions, Conditions.READY, false, "StageFailed", "x", 1L, "t");
    metrics.recordTransition(training, before);
    metrics.recordTransition(training, copy(training.getStatus()));
    assertEquals(1.0, finished("Failed", "StageFailed"));
    assertEquals(0.0, finished("Succeeded", "Succeeded"));
    assertEquals(1.0, stageCount("finetune", "Failed"));
    assertEquals(1.0, stageCount("pretrain", "Succeeded"), "pretrain counted once");
  }

  @Test
  void aSweepsPointStagesAreObservedUnderTheirStage() {
    ArrestTraining training = Trainings.fashionMnist("duo");
    training.getMetadata().setNamespace("ml");
    training.setStatus(status(TrainingPhase.FINETUNING, StagePhase.SUCCEEDED, null));
    ArrestTrainingStatus before = copy(training.getStatus());
    before.points = List.of(point(1, StagePhase.RUNNING), point(2, StagePhase.RUNNING));
    training.getStatus().points =
        List.of(point(1, StagePhase.SUCCEEDED), point(2, StagePhase.SUCCEEDED));
    metrics.recordTransition(training, before);
    assertEquals(2.0, stageCount("finetune", "Succeeded"));
    assertEquals(0.0, stageCount("pretrain", "Succeeded"), "pretrain had finished before");
  }

  private static PointStatus point(int id, StagePhase finetune) {
    PointStatus point = new PointStatus();
    point.id = id;
    point.stages = new PointStages();
    point.stages.finetune = stage(finetune);
    return point;
  }

  private static ArrestTrainingStatus status(
      TrainingPhase phase, StagePhase pretrain, StagePhase finetune) {
    ArrestTrainingStatus status = new ArrestTrainingStatus();
    status.phase = phase;
    status.stages = new StageStatuses();
    status.stages.pretrain = stage(pretrain);
    status.stages.finetune = stage(finetune);
    return status;
  }

  private static TrainingStageStatus stage(StagePhase phase) {
    if (phase == null) {
      return null;
    }
    TrainingStageStatus stage = new TrainingStageStatus();
    stage.phase = phase;
    stage.durationSeconds =
        phase == StagePhase.SUCCEEDED || phase == StagePhase.FAILED ? 120.0 : null;
    return stage;
  }

  private static ArrestTrainingStatus copy(ArrestTrainingStatus status) {
    return Serialization.unmarshal(Serialization.asJson(status), ArrestTrainingStatus.class);
  }

  private Double started() {
    return registry.getSampleValue(
        "arrest_trainings_started_total",
        new String[] {"namespace", "method"},
        new String[] {"ml", "arrest"});
  }

  private Double finished(String phase, String reason) {
    return registry.getSampleValue(
        "arrest_trainings_finished_total",
        new String[] {"namespace", "method", "phase", "reason"},
        new String[] {"ml", "arrest", phase, reason});
  }

  private Double stageCount(String stage, String phase) {
    return registry.getSampleValue(
        "arrest_training_stage_duration_seconds_count",
        new String[] {"stage", "phase"},
        new String[] {stage, phase});
  }

  private Double stageSum(String stage, String phase) {
    return registry.getSampleValue(
        "arrest_training_stage_duration_seconds_sum",
        new String[] {"stage", "phase"},
        new String[] {stage, phase});
  }
}
