package dev.arrest.operator.jobs;

import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.api.v1alpha1.PointStatus;
import dev.arrest.api.v1alpha1.TrainingStageStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The stage Jobs a training's status records as started (their stage entry's {@code jobName}). */
final class StatusJobNames {
  private StatusJobNames() {}

  static boolean contains(ArrestTrainingStatus status, String jobName) {
    if (status == null) {
      return false;
    }
    List<TrainingStageStatus> entries = new ArrayList<>();
    if (status.stages != null) {
      entries.add(status.stages.pretrain);
      entries.add(status.stages.finetune);
      entries.add(status.stages.evaluate);
    }
    if (status.points != null) {
      for (PointStatus point : status.points) {
        if (point != null && point.stages != null) {
          entries.add(point.stages.finetune);
          entries.add(point.stages.evaluate);
        }
      }
    }
    return entries.stream()
        .filter(Objects::nonNull)
        .anyMatch(entry -> jobName.equals(entry.jobName));
  }
}
