package dev.arrest.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's work queue, from JOSDK's monitoring callbacks: resources handed to the reconciler
 * thread pool and not yet picked up (the queue depth), resources being reconciled, and the events
 * that trigger reconciliations. A queue that stays deep means the reconciler threads cannot keep
 * up. JOSDK runs at most one reconciliation per resource at a time, so a resource is in at most one
 * of the two sets.
 */
public final class ReconcileQueueMetrics implements Metrics {
  private final Set<ResourceID> queued = ConcurrentHashMap.newKeySet();
  private final Set<ResourceID> running = ConcurrentHashMap.newKeySet();
  private final Gauge queueDepth;
  private final Gauge inProgress;
  private final Counter events;

  public ReconcileQueueMetrics(CollectorRegistry registry) {
    queueDepth =
        Gauge.build(
                "arrest_operator_reconcile_queue_depth",
                "ArrestTrainings waiting for a reconciler thread: submitted for reconciliation, not"
                    + " yet started.")
            .register(registry);
    inProgress =
        Gauge.build(
                "arrest_operator_reconciles_in_progress",
                "ArrestTraining reconciliations running at this moment.")
            .register(registry);
    events =
        Counter.build(
                "arrest_operator_reconcile_events_total",
                "Events (ArrestTraining and Job changes, reschedules) that asked for a"
                    + " reconciliation.")
            .register(registry);
  }

  @Override
  public void receivedEvent(
      io.javaoperatorsdk.operator.processing.event.Event event, Map<String, Object> metadata) {
    events.inc();
  }

  /** JOSDK calls this just before handing the resource to its executor. */
  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    queued.add(ResourceID.fromResource(resource));
    publish();
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    ResourceID id = ResourceID.fromResource(resource);
    queued.remove(id);
    running.add(id);
    publish();
  }

  /** Also called when the executor drops the resource without starting (e.g. it was deleted). */
  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    ResourceID id = ResourceID.fromResource(resource);
    queued.remove(id);
    running.remove(id);
    publish();
  }

  @Override
  public void cleanupDoneFor(ResourceID id, Map<String, Object> metadata) {
    queued.remove(id);
    running.remove(id);
    publish();
  }

  /** Synchronized so that a stale size never overwrites a newer one. */
  private synchronized void publish() {
    queueDepth.set(queued.size());
    inProgress.set(running.size());
  }
}
