package dev.arrest.operator.reconciler;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.status.NonFiniteNumbers;
import dev.arrest.operator.status.Reason;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.List;

/**
 * The record step of a reconciliation and the only writer of an ArrestTraining's status: it writes
 * only when the status changed, never with a number JSON cannot hold, and puts the written resource
 * in JOSDK's cache so the next pass starts from it.
 */
final class StatusRecorder {
  private final TrainingEvents events;

  StatusRecorder(TrainingEvents events) {
    this.events = events;
  }

  /** The status as it was before a pass, to compare with after it. */
  static String snapshot(ArrestTraining training) {
    return Serialization.asJson(training.getStatus());
  }

  /**
   * Writes the training's status if it differs from {@code before}; returns whether it wrote.
   * Non-finite numbers (a diverged loss) are left out and reported once as a Warning event.
   */
  boolean record(ArrestTraining training, String before, Context<ArrestTraining> context) {
    List<String> cleared = NonFiniteNumbers.clear(training.getStatus(), "status");
    if (!cleared.isEmpty()) {
      events.warning(
          training,
          Reason.NON_FINITE_VALUE,
          "left out of the status, not a finite number: " + String.join(", ", cleared));
    }
    if (before.equals(snapshot(training))) {
      return false;
    }
    write(training, context);
    return true;
  }

  /**
   * Replaces the status with optimistic locking and puts the result in JOSDK's cache, so the next
   * reconciliation sees this status even before the informer delivers it (a stale status could
   * otherwise repeat a transition). A whole-status update rather than a JSON patch also keeps list
   * changes (conditions, attacks) exact.
   */
  static void write(ArrestTraining training, Context<ArrestTraining> context) {
    ArrestTrainingStatus status = training.getStatus();
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        training,
        context,
        fresh -> {
          fresh.setStatus(status);
          return fresh;
        });
  }
}
