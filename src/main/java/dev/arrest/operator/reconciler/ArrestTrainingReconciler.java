package dev.arrest.operator.reconciler;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingStatus;
import dev.arrest.operator.events.TrainingEvents;
import dev.arrest.operator.jobs.StageJobInformers;
import dev.arrest.operator.metrics.ReconcileMetrics;
import dev.arrest.operator.metrics.TrainingMetrics;
import dev.arrest.operator.status.Conditions;
import dev.arrest.operator.status.Reason;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
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

  static final Duration RETRY_AFTER_EXHAUSTED = Duration.ofMinutes(1);

  private final TrainingLifecycle lifecycle;
  private final TrainingMetrics trainingMetrics;
  private final ReconcileMetrics reconcileMetrics;
  private final TrainingEvents events;
  private final StatusRecorder recorder;
  private final StageJobInformers jobInformers;

  public ArrestTrainingReconciler(
      TrainingLifecycle lifecycle,
      TrainingMetrics trainingMetrics,
      ReconcileMetrics reconcileMetrics,
      TrainingEvents events,
      StageJobInformers jobInformers) {
    this.lifecycle = lifecycle;
    this.trainingMetrics = trainingMetrics;
    this.reconcileMetrics = reconcileMetrics;
    this.events = events;
    this.recorder = new StatusRecorder(events);
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
      String before = StatusRecorder.snapshot(training);
      // Observe and reconcile: the lifecycle reads the cluster and moves the status on.
      Optional<Duration> next = lifecycle.reconcile(training);
      trainingMetrics.update(training);
      // Record: only real changes; an unchanged status costs no request.
      if (recorder.record(training, before, context)) {
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
   * A reconciliation threw (the API server unavailable, a conflict that kept recurring): the
   * training's Ready condition says so, with the error and the retry, and a Warning event is
   * recorded; JOSDK retries with backoff. Built on the status as last stored, not on the half-moved
   * one of the failed pass.
   */
  @Override
  public ErrorStatusUpdateControl<ArrestTraining> updateErrorStatus(
      ArrestTraining training, Context<ArrestTraining> context, Exception e) {
    ArrestTraining stored =
        context
            .getPrimaryCache()
            .get(ResourceID.fromResource(training))
            .map(t -> Serialization.clone(t))
            .orElse(Serialization.clone(training));
    if (stored.getStatus() == null) {
      stored.setStatus(new ArrestTrainingStatus());
    }
    ArrestTrainingStatus status = stored.getStatus();
    if (status.phase != null && status.phase.isFinal()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    String attempt =
        context
            .getRetryInfo()
            .map(
                retry ->
                    retry.isLastAttempt()
                        ? " (retries exhausted; tried again every minute)"
                        : " (attempt " + retry.getAttemptCount() + ", retried with backoff)")
            .orElse("");
    String message =
        "the operator cannot reconcile this training: "
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + attempt;
    if (status.conditions == null) {
      status.conditions = new java.util.ArrayList<>();
    }
    String now =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    Conditions.set(
        status.conditions,
        Conditions.READY,
        false,
        Reason.RECONCILE_ERROR.toString(),
        message,
        stored.getMetadata().getGeneration(),
        now);
    events.warning(stored, Reason.RECONCILE_ERROR, message);
    try {
      StatusRecorder.write(stored, context);
    } catch (RuntimeException writeFailure) {
      // The API server may be what failed; the retry will try again.
    }
    ErrorStatusUpdateControl<ArrestTraining> control = ErrorStatusUpdateControl.noStatusUpdate();
    boolean exhausted = context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(false);
    // Past JOSDK's retries a training would wait for its next event; a platform outage can outlast
    // them, so it is looked at again every minute instead.
    return exhausted ? control.rescheduleAfter(RETRY_AFTER_EXHAUSTED) : control;
  }

  @Override
  public List<EventSource<?, ArrestTraining>> prepareEventSources(
      EventSourceContext<ArrestTraining> context) {
    return jobInformers.eventSources(context);
  }
}
