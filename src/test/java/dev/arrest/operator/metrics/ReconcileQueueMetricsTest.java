package dev.arrest.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.operator.testing.Trainings;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.client.CollectorRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The queue depth and in-progress gauges follow JOSDK's callbacks for each resource. */
class ReconcileQueueMetricsTest {
  private final CollectorRegistry registry = new CollectorRegistry(true);
  private final ReconcileQueueMetrics queue = new ReconcileQueueMetrics(registry);

  @Test
  void aResourceIsQueuedThenRunningThenGone() {
    ArrestTraining a = Trainings.fashionMnist("a");
    ArrestTraining b = Trainings.fashionMnist("b");
    queue.reconcileCustomResource(a, null, Map.of());
    queue.reconcileCustomResource(b, null, Map.of());
    assertEquals(2.0, depth());
    queue.reconciliationExecutionStarted(a, Map.of());
    assertEquals(1.0, depth());
    assertEquals(1.0, inProgress());
    queue.reconciliationExecutionFinished(a, Map.of());
    assertEquals(0.0, inProgress());
    // Dropped by the executor without running (deleted meanwhile), then cleaned up.
    queue.reconciliationExecutionFinished(b, Map.of());
    queue.cleanupDoneFor(ResourceID.fromResource(b), Map.of());
    assertEquals(0.0, depth());
    assertEquals(0.0, inProgress());
  }

  private Double depth() {
    return registry.getSampleValue("arrest_operator_reconcile_queue_depth");
  }

  private Double inProgress() {
    return registry.getSampleValue("arrest_operator_reconciles_in_progress");
  }
}
