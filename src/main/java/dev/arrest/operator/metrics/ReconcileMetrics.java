package dev.arrest.operator.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;

/** How the operator itself is doing: reconciliations, their errors and their duration. */
public class ReconcileMetrics {
  private final Counter reconciliations;
  private final Counter errors;
  private final Histogram duration;

  public ReconcileMetrics(CollectorRegistry registry) {
    reconciliations =
        Counter.build(
                "arrest_operator_reconciliations_total",
                "ArrestTraining reconciliations run, failed ones included.")
            .register(registry);
    errors =
        Counter.build(
                "arrest_operator_reconcile_errors_total",
                "ArrestTraining reconciliations that ended in an exception (and are retried).")
            .register(registry);
    duration =
        Histogram.build(
                "arrest_operator_reconcile_duration_seconds",
                "Duration of ArrestTraining reconciliations.")
            .buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
  }

  /** Starts timing one reconciliation; call {@link Timing#close()} when it ends. */
  public Timing start() {
    reconciliations.inc();
    return new Timing(duration.startTimer());
  }

  public void error() {
    errors.inc();
  }

  /** One reconciliation's timer. */
  public static final class Timing implements AutoCloseable {
    private final Histogram.Timer timer;

    private Timing(Histogram.Timer timer) {
      this.timer = timer;
    }

    @Override
    public void close() {
      timer.observeDuration();
    }
  }
}
