package dev.arrest.operator.observer;

/**
 * A stage's trainer stopped for a reason outside the training: its Job or pod deleted, the pod
 * evicted or preempted, or its node lost. The trainer resumes from its last checkpoint when the
 * stage runs again, so a disruption is not a failure of the training.
 *
 * @param cause what happened, for status and Events, e.g. {@code pod x evicted: The node was low on
 *     resource: memory}
 */
public record Disruption(String cause) {}
