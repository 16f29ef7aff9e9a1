package dev.arrest.operator.jobs;

/**
 * What differs between the Jobs of one stage: which attempt it is, the trainer image (resolved once
 * per training and recorded in its status, so that an operator upgrade does not change the trainer
 * mid-run) and the seconds left of the run's deadline.
 *
 * @param attempt 0 for the stage's first Job, one more per restart or resume
 * @param image the trainer image
 * @param activeDeadlineSeconds seconds left of spec.runPolicy.activeDeadlineSeconds; null without a
 *     deadline
 */
public record JobRun(int attempt, String image, Long activeDeadlineSeconds) {
  public static JobRun first(String image) {
    return new JobRun(0, image, null);
  }
}
