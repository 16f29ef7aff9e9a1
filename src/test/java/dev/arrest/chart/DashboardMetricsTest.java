package dev.arrest.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the PrometheusRule query is one the operator exports, with
 * the labels the queries select on: the names and labels come from a registry holding everything
 * the operator process registers (the same collectors as OperatorRunner and ArrestOperator), with
 * one training's status mirrored into it.
 */
class DashboardMetricsTest {
  private static final Path DASHBOARD = Helm.CHART.resolve("dashboards/arrest-operator.json");

  /** Metric names of ours, of the JVM/process collectors and Prometheus' own up. */
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:arrest|jvm|process)_[a-zA-Z0-9_]+|up)\\b(\\s*\\{([^}]*)\\})?");

  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\((\\w+)(?:\\{[^}]*\\})?,\\s*(\\w+)\\)");

  /** Labels that Prometheus adds to every scraped series. */
  private static final Set<String> TARGET_LABELS =
      Set.of("job", "instance", "namespace", "pod", "service", "container", "endpoint");

  private static final Map<String, Set<String>> EXPORTED = new HashMap<>();

  @BeforeAll
  static void registerEverything() {
    CollectorRegistry registry = ExportedMetrics.registry();
    for (MetricFamilySamples family : Collections.list(registry.metricFamilySamples())) {
      for (MetricFamilySamples.Sample sample : family.samples) {
        EXPORTED.computeIfAbsent(sample.name, k -> new TreeSet<>()).addAll(sample.labelNames);
      }
    }
  }

  @Test
  void everyDashboardQueryUsesExportedMetricsAndLabels() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    List<String> queries = new ArrayList<>();
    collect(dashboard.at("/panels"), "expr", queries);
    dashboard
        .at("/templating/list")
        .forEach(
            variable -> {
              if (variable.at("/query/query").isTextual()) {
                queries.add(variable.at("/query/query").asText());
              }
            });
    assertTrue(queries.size() > 20, "queries found: " + queries.size());
    Set<String> used = check(queries);
    // The panels the issue asks for are there.
    for (String metric :
        List.of(
            "arrest_training_standard_accuracy",
            "arrest_training_robust_accuracy",
            "arrest_tradeoff_reference_standard_accuracy",
            "arrest_tradeoff_reference_robust_accuracy",
            "arrest_training_tradeoff_score",
            "arrest_training_phase",
            "arrest_training_stage_progress_ratio",
            "arrest_training_loss",
            "arrest_training_rgkd_loss",
            "arrest_training_noisy_replay_rate",
            "arrest_training_images_per_second",
            "arrest_operator_reconciliations_total",
            "arrest_operator_reconcile_errors_total",
            "arrest_operator_reconcile_duration_seconds_bucket",
            "arrest_operator_reconcile_queue_depth",
            "arrest_trainings_started_total",
            "arrest_trainings_finished_total",
            "arrest_training_stage_duration_seconds_bucket")) {
      assertTrue(used.contains(metric), "the dashboard has no panel on " + metric);
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      Matcher matcher = LABEL_VALUES.matcher(variable.at("/query/query").asText(""));
      if (matcher.find() && matcher.group(1).startsWith("arrest_")) {
        assertTrue(
            EXPORTED.get(matcher.group(1)).contains(matcher.group(2))
                || TARGET_LABELS.contains(matcher.group(2)),
            "variable "
                + variable.at("/name").asText()
                + ": "
                + matcher.group(1)
                + " has no label "
                + matcher.group(2));
      }
    }
  }

  @Test
  void everyAlertUsesExportedMetricsAndLabels() {
    List<JsonNode> objects =
        Helm.objects(
            Helm.template(
                    "--set",
                    "metrics.prometheusRule.enabled=true",
                    "--set",
                    "metrics.serviceMonitor.enabled=true")
                .requireSuccess("helm template")
                .stdout());
    List<String> queries = new ArrayList<>();
    objects.stream()
        .filter(o -> o.at("/kind").asText().equals("PrometheusRule"))
        .forEach(rule -> collect(rule.at("/spec/groups"), "expr", queries));
    assertEquals(6, queries.size());
    Set<String> used = check(queries);
    assertTrue(
        used.containsAll(
            Set.of(
                "arrest_training_phase",
                "arrest_training_stage_progress_ratio",
                "arrest_operator_reconcile_errors_total",
                "arrest_operator_reconcile_queue_depth",
                "up")),
        used.toString());
  }

  @Test
  void theCheckCatchesAMisspeltMetricOrLabel() {
    assertThrows(() -> check(List.of("sum(rate(arrest_operator_reconciles_total[5m]))")));
    assertThrows(() -> check(List.of("arrest_training_loss{training=\"x\"}")));
  }

  /** Checks names and selector labels; returns the metric names used. */
  private static Set<String> check(List<String> queries) {
    Set<String> used = new TreeSet<>();
    for (String query : queries) {
      Matcher metric = METRIC.matcher(query);
      while (metric.find()) {
        String name = metric.group(1);
        used.add(name);
        if (name.equals("up")) {
          continue;
        }
        Set<String> labels = EXPORTED.get(name);
        if (labels == null) {
          throw new AssertionError(
              "'"
                  + name
                  + "' in `"
                  + query
                  + "` is not exported; exported: "
                  + new TreeSet<>(EXPORTED.keySet()));
        }
        if (metric.group(3) != null) {
          Matcher matcher = MATCHER.matcher(metric.group(3));
          while (matcher.find()) {
            String label = matcher.group(1);
            if (!labels.contains(label) && !TARGET_LABELS.contains(label)) {
              throw new AssertionError(
                  "'"
                      + name
                      + "' has no label '"
                      + label
                      + "' (`"
                      + query
                      + "`); it has "
                      + labels);
            }
            if (label.equals("namespace")
                && name.startsWith("arrest_training")
                && !labels.contains(label)) {
              throw new AssertionError(name + " lacks its namespace label");
            }
          }
        }
      }
    }
    return used;
  }

  private static void assertThrows(Runnable check) {
    try {
      check.run();
    } catch (AssertionError expected) {
      return;
    }
    throw new AssertionError("the check accepted a wrong query");
  }

  private static void collect(JsonNode node, String field, List<String> into) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              entry -> {
                if (entry.getKey().equals(field) && entry.getValue().isTextual()) {
                  into.add(entry.getValue().asText());
                } else {
                  collect(entry.getValue(), field, into);
                }
              });
    } else if (node.isArray()) {
      node.forEach(child -> collect(child, field, into));
    }
  }

  @Test
  void aTrainingsSeriesCarryTheLabelsTheDashboardGroupsBy() {
    for (String metric :
        List.of(
            "arrest_training_loss",
            "arrest_training_stage_progress_ratio",
            "arrest_training_standard_accuracy")) {
      assertTrue(EXPORTED.get(metric).containsAll(Set.of("namespace", "name", "method")), metric);
    }
    assertFalse(EXPORTED.get("arrest_tradeoff_reference_standard_accuracy").isEmpty());
  }
}
