package dev.arrest.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's PrometheusRule, rendered by helm, through Prometheus' own promtool: {@code promtool
 * check rules} accepts it, and the unit tests in {@code
 * src/test/resources/prometheus/arrest-operator-alerts.test.yaml} (series in, firing alerts out at
 * given times) pass, with a case where each alert fires and one where it stays silent.
 */
class PrometheusRuleTest {
  static final Path ALERT_TESTS =
      Path.of("src", "test", "resources", "prometheus", "arrest-operator-alerts.test.yaml");

  /** The rule file name the alert tests load (their rule_files). */
  static final String RULE_FILE = "arrest-operator.rules.yaml";

  private static final ObjectMapper YAML = new YAMLMapper();

  @TempDir Path directory;

  @Test
  void promtoolAcceptsTheRenderedRules() throws IOException {
    writeRules();
    Promtool.Result result =
        Promtool.run(directory, null, "check", "rules", RULE_FILE)
            .requireSuccess("promtool check rules on the chart's PrometheusRule");
    assertTrue(
        result.output().contains("SUCCESS: " + alerts().size() + " rules found"), result.output());
  }

  @Test
  void everyAlertFiresWhenItShouldAndStaysSilentOtherwise() throws IOException {
    writeRules();
    Files.copy(ALERT_TESTS, directory.resolve(ALERT_TESTS.getFileName()));
    Promtool.run(directory, null, "test", "rules", ALERT_TESTS.getFileName().toString())
        .requireSuccess("promtool test rules " + ALERT_TESTS);
  }

  @Test
  void theAlertTestsCoverEveryAlertBothWays() throws IOException {
    Set<String> firing = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (JsonNode test : YAML.readTree(ALERT_TESTS.toFile()).at("/tests")) {
      for (JsonNode check : test.at("/alert_rule_test")) {
        String alert = check.at("/alertname").asText();
        (check.at("/exp_alerts").isEmpty() ? silent : firing).add(alert);
      }
    }
    Set<String> alerts = new TreeSet<>(alerts());
    assertEquals(alerts, firing, "alerts with a test case where they fire");
    assertEquals(alerts, silent, "alerts with a test case where they stay silent");
  }

  /** The tests are not vacuous: with another threshold the backlog alert's cases fail. */
  @Test
  void theAlertTestsCatchAChangedThreshold() throws IOException {
    writeRules("--set", "metrics.prometheusRule.reconcileQueueDepth=30");
    Files.copy(ALERT_TESTS, directory.resolve(ALERT_TESTS.getFileName()));
    Promtool.Result result =
        Promtool.run(directory, null, "test", "rules", ALERT_TESTS.getFileName().toString());
    assertNotEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("ArrestOperatorReconcileBacklog"), result.output());
  }

  /**
   * The rule groups of the chart's PrometheusRule (default thresholds, with a ServiceMonitor so
   * that ArrestOperatorDown is rendered) as a Prometheus rule file in the test's directory.
   */
  private void writeRules(String... extra) throws IOException {
    Files.writeString(directory.resolve(RULE_FILE), YAML.writeValueAsString(spec(extra)));
  }

  private static List<String> alerts() {
    List<String> alerts = new ArrayList<>();
    spec()
        .at("/groups")
        .forEach(g -> g.at("/rules").forEach(r -> alerts.add(r.at("/alert").asText())));
    return alerts;
  }

  static JsonNode spec(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--set",
                "metrics.prometheusRule.enabled=true",
                "--set",
                "metrics.serviceMonitor.enabled=true"));
    args.addAll(List.of(extra));
    List<JsonNode> rules =
        Helm.objects(
                Helm.template(args.toArray(String[]::new)).requireSuccess("helm template").stdout())
            .stream()
            .filter(o -> o.at("/kind").asText().equals("PrometheusRule"))
            .toList();
    assertEquals(1, rules.size(), "PrometheusRules rendered");
    return rules.get(0).at("/spec");
  }
}
