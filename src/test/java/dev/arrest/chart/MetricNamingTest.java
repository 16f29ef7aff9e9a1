package dev.arrest.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code promtool check metrics} accepts the operator's /metrics output: names, help texts, units
 * and suffixes follow Prometheus' conventions. The output is that of a registry holding every
 * collector of the operator process with trainings mirrored into it (the control-plane suite checks
 * the live /metrics of the operator the same way).
 */
class MetricNamingTest {
  @Test
  void promtoolAcceptsTheOperatorsMetrics() {
    String text = ExportedMetrics.text(ExportedMetrics.registry());
    for (String family :
        List.of(
            "arrest_training_phase",
            "arrest_training_stage_duration_seconds",
            "arrest_trainings_started_total",
            "arrest_trainings_finished_total",
            "arrest_operator_reconcile_queue_depth",
            "arrest_tradeoff_reference_robust_accuracy",
            "jvm_memory_bytes_used",
            "process_cpu_seconds_total")) {
      assertTrue(text.contains("\n" + family), "no " + family + " in:\n" + text);
    }
    Promtool.run(Path.of("."), text, "check", "metrics")
        .requireSuccess("promtool check metrics on the operator's /metrics output");
  }

  /** The check is not vacuous: promtool refuses what the conventions forbid. */
  @Test
  void promtoolRefusesAGaugeNamedLikeACounterAndANonBaseUnit() {
    String bad =
        """
        # HELP arrest_example_total A gauge named like a counter.
        # TYPE arrest_example_total gauge
        arrest_example_total 1.0
        # HELP arrest_example_milliseconds A duration in a non-base unit.
        # TYPE arrest_example_milliseconds gauge
        arrest_example_milliseconds 1.0
        """;
    Promtool.Result result = Promtool.run(Path.of("."), bad, "check", "metrics");
    assertEquals(3, result.exitCode(), result.output());
    assertTrue(result.output().contains("arrest_example_milliseconds"), result.output());
  }
}
