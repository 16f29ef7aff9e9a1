package dev.arrest.operator.status;

import java.util.Locale;

/**
 * The one list of reasons the operator gives, in status conditions and in Events alike, so that a
 * condition's reason always has an Event of the same name and alerts or scripts can match either.
 * The string is the constant's name in UpperCamelCase, e.g. {@code IMAGE_PULL_FAILED} is {@code
 * ImagePullFailed}.
 */
public enum Reason {
  // The spec and the run as a whole.
  /** Spec validation failed; the message lists every problem by field. */
  INVALID_SPEC,
  /** The platform team's policy refused the spec. */
  POLICY_VIOLATION,
  /** The spec the stages run was frozen at the first Job. */
  APPLIED,
  /** The spec changed after the start; the change is not applied. */
  SPEC_CHANGE_IGNORED,
  /** The spec recorded at the start no longer parses (e.g. after an operator upgrade). */
  APPLIED_SPEC_UNREADABLE,
  /** Accepted, no Job yet. */
  PENDING,
  SUCCEEDED,
  /** The whole run exceeded spec.runPolicy.activeDeadlineSeconds. */
  DEADLINE_EXCEEDED,
  /** spec.suspend is true: no stage Job runs. */
  SUSPENDED,
  /** spec.suspend went back to false: the stage runs again from its last checkpoint. */
  RESUMED,
  /** spec.restartNonce changed on a failed training: its failed stages run again. */
  RERUN,
  /** The API server lacks a Job feature; the operator uses its fallback. */
  SERVER_FEATURE_MISSING,
  /** A reconciliation threw; JOSDK retries it. */
  RECONCILE_ERROR,
  /** A trainer reported NaN or infinity where the status needs a number; it is left out. */
  NON_FINITE_VALUE,

  // One stage Job.
  STAGE_STARTED,
  STAGE_SUCCEEDED,
  STAGE_SKIPPED,
  STAGE_FAILED,
  /** Suspended until Kueue admits the Job. */
  QUEUED,
  /** The stage runs again after a disruption (Job or pod deleted, pod evicted, node lost). */
  STAGE_RESTARTED,
  /** Disrupted once more than spec.runPolicy.maxRestarts allows. */
  RESTARTS_EXHAUSTED,
  /** A Job of the stage's name belongs to another object. */
  JOB_NAME_CONFLICT,
  /** The API server refused to create the stage Job; the message names the field. */
  JOB_REJECTED,
  /** The Job controller could not create the pod (quota, LimitRange, admission webhook). */
  JOB_CREATE_FAILED,
  /** The trainer image cannot be pulled (ErrImagePull, ImagePullBackOff, InvalidImageName). */
  IMAGE_PULL_FAILED,
  /** The container cannot be created (CreateContainerConfigError, CreateContainerError). */
  CONTAINER_CONFIG_ERROR,
  /** The scheduler finds no node for the pod; the message is the scheduler's. */
  UNSCHEDULABLE,
  /** The stage's pod did not start within spec.runPolicy.startTimeoutSeconds. */
  START_TIMEOUT,
  /** The evaluation succeeded without results. */
  RESULTS_UNAVAILABLE,
  /** A training stage succeeded without its stage result; the model is still on the volume. */
  STAGE_RESULT_UNAVAILABLE,

  // Sweeps.
  POINTS_FAILED,
  SWEEP_NOT_SCORED;

  private final String value;

  Reason() {
    StringBuilder camel = new StringBuilder();
    for (String word : name().split("_")) {
      camel.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    this.value = camel.toString();
  }

  @Override
  public String toString() {
    return value;
  }
}
