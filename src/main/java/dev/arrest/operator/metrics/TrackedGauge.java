package dev.arrest.operator.metrics;

import io.prometheus.client.Gauge;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A gauge whose series are owned by trainings: each update replaces a training's series with the
 * given ones and removes those it no longer has, so that no series outlives what the status says.
 * Not thread-safe; callers synchronize.
 */
final class TrackedGauge {
  private final Gauge gauge;
  private final Map<String, Set<List<String>>> emitted = new HashMap<>();

  TrackedGauge(Gauge gauge) {
    this.gauge = gauge;
  }

  /**
   * Sets the training's series to {@code values} (label values → value), removing its other series.
   */
  void sync(String training, Map<List<String>, Double> values) {
    Set<List<String>> previous = emitted.getOrDefault(training, Set.of());
    for (List<String> labels : previous) {
      if (!values.containsKey(labels)) {
        gauge.remove(labels.toArray(String[]::new));
      }
    }
    values.forEach((labels, value) -> gauge.labels(labels.toArray(String[]::new)).set(value));
    if (values.isEmpty()) {
      emitted.remove(training);
    } else {
      emitted.put(training, new HashSet<>(values.keySet()));
    }
  }

  /** Removes every series of the training. */
  void remove(String training) {
    sync(training, Map.of());
  }
}
