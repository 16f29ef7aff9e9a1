package dev.arrest.operator.reconciler;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.operator.jobs.StageJobInformers;
import dev.arrest.operator.metrics.ReconcileMetrics;
import dev.arrest.operator.metrics.TrainingMetrics;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * JOSDK entry point for ArrestTrainings. Deletion needs no finalizer: the stage Jobs are owned by
 * the training and garbage-collected with it, and the only other state, the training's metric
 * series, is dropped on the delete event (delivered because triggerReconcilerOnAllEvents is on).
 *
 * <p>What triggers a reconciliation: a new training, a spec change (a new generation), a deletion,
 * a change of one of its Jobs by someone else (the Job controller), and the reschedule while a
 * stage runs. Not the operator's own writes: its status updates leave the generation as it is, and
 * JOSDK's generation-aware filter (on by default, also with triggerReconcilerOnAllEvents) drops
 * such updates; the informer event of a Job it created is dropped too ({@link StageJobInformers}).
 */
@ControllerConfiguration(name = ArrestTrainingReconciler.NAME, triggerReconcilerOnAllEvents = true)
public class ArrestTrainingReconciler implements Reconciler<ArrestTraining> {
  public static final String NAME = "arresttraining";

  private final TrainingLifecycle lifecycle;
  private final TrainingMetrics trainingMetrics;
  private final ReconcileMetrics reconcileMetrics;
  private final StageJobInformers jobInformers;

  public ArrestTrainingReconciler(
      TrainingLifecycle lifecycle,
      TrainingMetrics trainingMetrics,
      ReconcileMetrics reconcileMetrics,
      StageJobInformers jobInformers) {
    this.lifecycle = lifecycle;
    this.trainingMetrics = trainingMetrics;
    this.reconcileMetrics = reconcileMetrics;
    this.jobInformers = jobInformers;
  }

  @Override
  public UpdateControl<ArrestTraining> reconcile(
      ArrestTraining training, Context<ArrestTraining> context) {
    if (context.isPrimaryResourceDeleted()) {
      trainingMetrics.remove(
          training.getMetadata().getNamespace(), training.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    try (ReconcileMetrics.Timing ignored = reconcileMetrics.start()) {
      String before = Serialization.asJson(training.getStatus());
      Optional<Duration> next = lifecycle.reconcile(training);
      trainingMetrics.update(training);
      // Write only real changes: an unchanged status costs no request.
      if (!before.equals(Serialization.asJson(training.getStatus()))) {
        writeStatus(training, context);
        // Counted only once stored: a failed write is retried and must not count twice.
        trainingMetrics.recordTransition(
            training, Serialization.unmarshal(before, ArrestTrainingStatus.class));
      }
      UpdateControl<ArrestTraining> control = UpdateControl.noUpdate();
      next.ifPresent(control::rescheduleAfter);
      return control;
    } catch (RuntimeException e) {
      reconcileMetrics.error();
      throw e;
    }
  }

  /**
   * Replaces the status with optimistic locking and puts the result in JOSDK's cache, so the next
   * reconciliation sees this status even before the informer delivers it (a stale status could
   * otherwise repeat a transition). A whole-status update rather than a JSON patch also keeps list
   * changes (conditions, attacks) exact.
   */
  private static void writeStatus(ArrestTraining training, Context<ArrestTraining> context) {
    ArrestTrainingStatus status = training.getStatus();
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        training,
        context,
        fresh -> {
          fresh.setStatus(status);
          return fresh;
        });
  }

  @Override
  public List<EventSource<?, ArrestTraining>> prepareEventSources(
      EventSourceContext<ArrestTraining> context) {
    return jobInformers.eventSources(context);
  }
}
