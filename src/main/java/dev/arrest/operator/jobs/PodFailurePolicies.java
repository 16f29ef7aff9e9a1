package dev.arrest.operator.jobs;

import dev.arrest.results.ExitCodes;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;

/** The podFailurePolicy of a stage Job, on servers that have it (1.26+). */
final class PodFailurePolicies {
  private PodFailurePolicies() {}

  /**
   * Fail the Job at once when the trainer refuses its spec (no retry can help) and when a pod is
   * disrupted (the operator restarts the stage from its checkpoint as a new Job, counted in
   * status.stages.*.restarts, rather than letting the disruption eat the Job's backoffLimit).
   */
  static PodFailurePolicy stage() {
    return new PodFailurePolicyBuilder()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(StageJobFactory.CONTAINER_NAME)
        .withOperator("In")
        .withValues(ExitCodes.INVALID_SPEC)
        .endOnExitCodes()
        .endRule()
        .addNewRule()
        .withAction("FailJob")
        .addNewOnPodCondition()
        .withType("DisruptionTarget")
        .withStatus("True")
        .endOnPodCondition()
        .endRule()
        .build();
  }
}
