package dev.arrest.operator.observer;

import dev.arrest.operator.jobs.JobOutcome;
import dev.arrest.operator.jobs.PodTermination;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * What the cluster says about one attempt of one stage, read-only: its Job, that Job's pods and
 * what they tell. The reconciler decides on it; nothing here writes.
 *
 * @param job the attempt's Job; null when there is none of that name
 * @param ownedByOther a Job of that name exists but belongs to another object
 * @param outcome where the Job stands; null without a Job
 * @param pods the Job's pods, newest first
 * @param blocker why the stage cannot start or go on, if something keeps it from doing so
 * @param started some pod of the Job has run its trainer
 * @param disruption the Job's most recent pod stopped because of a disruption
 * @param invalidSpec a pod's trainer exited with the code of an invalid spec: no retry can help
 */
public record StageObservation(
    Job job,
    boolean ownedByOther,
    JobOutcome outcome,
    List<Pod> pods,
    Optional<StageBlocker> blocker,
    boolean started,
    Optional<Disruption> disruption,
    Optional<PodTermination> invalidSpec) {

  static StageObservation noJob() {
    return new StageObservation(
        null, false, null, List.of(), Optional.empty(), false, Optional.empty(), Optional.empty());
  }

  static StageObservation foreign(Job job) {
    return new StageObservation(
        job, true, null, List.of(), Optional.empty(), false, Optional.empty(), Optional.empty());
  }

  public boolean exists() {
    return job != null;
  }

  /** Whether a pod of the Job may still be running its trainer. */
  public boolean podsAlive() {
    return pods.stream().anyMatch(PodDiagnosis::isAlive);
  }
}
