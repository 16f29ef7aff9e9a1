package dev.arrest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates every PromQL expression of the Grafana dashboard through a real Prometheus, as Grafana
 * would: template variables resolved by their own label_values() queries ("All" becoming the
 * variable's allValue, a single-valued variable without a saved value its first value), {@code
 * $__range} the dashboard's default time range, {@code $__rate_interval} Grafana's max(interval +
 * scrape interval, 4 × scrape interval); instant targets at the end of the window, range targets
 * over it. A target passes when it returns series with a value (not only NaN) that carry the labels
 * its legend names; a panel whose targets Grafana joins (a table's or the xy chart's merge) passes
 * when the joined targets share at least one row.
 */
final class DashboardQueries {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*(.+?)\\s*,\\s*(\\w+)\\s*\\)");
  private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*\\}\\}");
  private static final Pattern RELATIVE_TIME = Pattern.compile("now-(\\d+)([smhd])");

  private final JsonNode dashboard;
  private final PrometheusServer prometheus;

  DashboardQueries(Path file, PrometheusServer prometheus) throws IOException {
    this.dashboard = JSON.readTree(file.toFile());
    this.prometheus = prometheus;
  }

  /**
   * The problems found, one line each (empty when every panel shows data).
   *
   * @param from start of the window range targets are drawn over
   * @param mayBeEmpty panel titles whose targets may legitimately return nothing now, with why
   */
  List<String> problems(Instant from, Instant to, Map<String, String> mayBeEmpty) {
    List<String> problems = new ArrayList<>();
    Map<String, String> variables = resolveVariables(problems);
    Duration step = PrometheusServer.SCRAPE_INTERVAL;
    long scrape = PrometheusServer.SCRAPE_INTERVAL.toSeconds();
    variables.put("__rate_interval", Math.max(step.toSeconds() + scrape, 4 * scrape) + "s");
    variables.put("__interval", step.toSeconds() + "s");
    variables.put("__range", dashboardRange().toSeconds() + "s");
    Set<String> titles = new HashSet<>();
    for (JsonNode panel : panels()) {
      String title = panel.at("/title").asText();
      titles.add(title);
      Map<String, JsonNode> results = new LinkedHashMap<>();
      for (JsonNode target : panel.at("/targets")) {
        String expr = substitute(target.at("/expr").asText(), variables);
        String where = "panel '" + title + "' target " + target.at("/refId").asText();
        JsonNode result =
            target.at("/instant").asBoolean(false)
                ? prometheus.query(expr, to).at("/result")
                : prometheus.queryRange(expr, from, to, step).at("/result");
        results.put(target.at("/refId").asText(), result);
        if (mayBeEmpty.containsKey(title)) {
          continue;
        }
        if (result.isEmpty() || !hasValue(result)) {
          problems.add(
              where + " returned no " + (result.isEmpty() ? "series" : "value") + ": " + expr);
          continue;
        }
        for (String label : legendLabels(target.at("/legendFormat").asText(""))) {
          for (JsonNode series : result) {
            if (series.at("/metric/" + label).asText("").isEmpty()) {
              problems.add(
                  where
                      + ": a series lacks the legend's label "
                      + label
                      + ": "
                      + series.at("/metric"));
              break;
            }
          }
        }
      }
      if (!mayBeEmpty.containsKey(title)) {
        for (List<String> joined : joins(panel)) {
          if (joined.stream()
                  .allMatch(ref -> results.containsKey(ref) && !results.get(ref).isEmpty())
              && !shareARow(joined.stream().map(results::get).toList())) {
            problems.add("panel '" + title + "': targets " + joined + " share no row to join");
          }
        }
      }
    }
    for (String title : mayBeEmpty.keySet()) {
      if (!titles.contains(title)) {
        problems.add("no panel '" + title + "' (named as one that may be empty)");
      }
    }
    return problems;
  }

  /** Every panel with queries, rows' nested panels included. */
  private List<JsonNode> panels() {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.at("/panels")) {
      panel.at("/panels").forEach(panels::add);
      if (panel.at("/targets").size() > 0) {
        panels.add(panel);
      }
    }
    return panels;
  }

  /**
   * Values of the query variables, in order, each query seeing the earlier ones. A variable whose
   * query finds nothing is a problem: its panels would show nothing.
   */
  private Map<String, String> resolveVariables(List<String> problems) {
    Map<String, String> values = new HashMap<>();
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if (!"query".equals(variable.at("/type").asText())) {
        continue;
      }
      String name = variable.at("/name").asText();
      String definition = substitute(variable.at("/query/query").asText(), values);
      Matcher matcher = LABEL_VALUES.matcher(definition);
      if (!matcher.matches()) {
        problems.add("variable " + name + ": not a label_values() query: " + definition);
        continue;
      }
      List<String> found = prometheus.labelValues(matcher.group(2), matcher.group(1));
      if (found.isEmpty()) {
        problems.add("variable " + name + " has no values: " + definition);
      }
      boolean all =
          variable.at("/includeAll").asBoolean(false)
              && variable.at("/current/value").toString().contains("$__all");
      if (all) {
        values.put(name, variable.at("/allValue").asText(".*"));
      } else {
        values.put(name, found.isEmpty() ? "" : found.get(0));
      }
    }
    return values;
  }

  private Duration dashboardRange() {
    Matcher matcher = RELATIVE_TIME.matcher(dashboard.at("/time/from").asText());
    if (!matcher.matches() || !"now".equals(dashboard.at("/time/to").asText())) {
      throw new AssertionError(
          "the dashboard's time range is not now-N..now: " + dashboard.at("/time"));
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** $name and ${name}, longest names first so that $__rate_interval is not read as $__range. */
  static String substitute(String text, Map<String, String> values) {
    String result = text;
    List<String> names = new ArrayList<>(values.keySet());
    names.sort((a, b) -> b.length() - a.length());
    for (String name : names) {
      result =
          result.replace("${" + name + "}", values.get(name)).replace("$" + name, values.get(name));
    }
    return result;
  }

  private static Set<String> legendLabels(String legend) {
    Set<String> labels = new TreeSet<>();
    Matcher matcher = LEGEND_LABEL.matcher(legend);
    while (matcher.find()) {
      labels.add(matcher.group(1));
    }
    return labels;
  }

  /** A value that is a number, in a vector or a matrix result. */
  private static boolean hasValue(JsonNode result) {
    for (JsonNode series : result) {
      List<JsonNode> samples = new ArrayList<>();
      if (series.has("value")) {
        samples.add(series.at("/value"));
      }
      series.at("/values").forEach(samples::add);
      for (JsonNode sample : samples) {
        String value = sample.get(1).asText();
        if (!value.equals("NaN") && !value.endsWith("Inf")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The groups of targets Grafana joins into rows: the xy chart's x/y pairs, or all targets of a
   * panel with a merge transformation.
   */
  private static List<List<String>> joins(JsonNode panel) {
    List<List<String>> joins = new ArrayList<>();
    if ("xychart".equals(panel.at("/type").asText())) {
      for (JsonNode series : panel.at("/options/series")) {
        joins.add(List.of(refOf(series.at("/x").asText()), refOf(series.at("/y").asText())));
      }
      return joins;
    }
    for (JsonNode transformation : panel.at("/transformations")) {
      if ("merge".equals(transformation.at("/id").asText())) {
        List<String> refs = new ArrayList<>();
        panel.at("/targets").forEach(t -> refs.add(t.at("/refId").asText()));
        joins.add(refs);
      }
    }
    return joins;
  }

  /** "Value #A" → "A". */
  private static String refOf(String field) {
    if (!field.startsWith("Value #")) {
      throw new AssertionError("an xy chart series field that is not a target's value: " + field);
    }
    return field.substring("Value #".length());
  }

  /**
   * Whether the results have a label combination in common on the labels all of them carry (none in
   * common: Grafana would not join them into one row).
   */
  private static boolean shareARow(List<JsonNode> results) {
    Set<String> common = null;
    for (JsonNode result : results) {
      Set<String> names = new TreeSet<>();
      result.forEach(series -> series.at("/metric").fieldNames().forEachRemaining(names::add));
      names.remove("__name__");
      if (common == null) {
        common = names;
      } else {
        common.retainAll(names);
      }
    }
    if (common == null || common.isEmpty()) {
      return false;
    }
    Set<Map<String, String>> rows = null;
    for (JsonNode result : results) {
      Set<Map<String, String>> keys = new HashSet<>();
      for (JsonNode series : result) {
        Map<String, String> key = new TreeMap<>();
        for (String label : common) {
          key.put(label, series.at("/metric/" + label).asText(""));
        }
        keys.add(key);
      }
      if (rows == null) {
        rows = keys;
      } else {
        rows.retainAll(keys);
      }
    }
    return rows != null && !rows.isEmpty();
  }
}
