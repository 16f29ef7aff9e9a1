package dev.arrest.operator.jobs;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

/** Where a stage Job stands, read from its status conditions. */
public record JobOutcome(State state, String reason, String message) {

  public enum State {
    /** Created, suspended until Kueue admits it. */
    QUEUED,
    /** Not finished: pods pending, running or being retried. */
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public static JobOutcome of(Job job) {
    if (job.getStatus() != null && job.getStatus().getConditions() != null) {
      for (JobCondition condition : job.getStatus().getConditions()) {
        if (!"True".equals(condition.getStatus())) {
          continue;
        }
        if ("Complete".equals(condition.getType())) {
          return new JobOutcome(State.SUCCEEDED, condition.getReason(), condition.getMessage());
        }
        if ("Failed".equals(condition.getType())) {
          return new JobOutcome(State.FAILED, condition.getReason(), condition.getMessage());
        }
      }
    }
    if (job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return new JobOutcome(
          State.QUEUED, "Suspended", "waiting for admission (the Job is suspended)");
    }
    return new JobOutcome(State.RUNNING, null, null);
  }
}
