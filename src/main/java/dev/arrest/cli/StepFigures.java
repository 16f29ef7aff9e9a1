package dev.arrest.cli;

import dev.arrest.trainer.engine.ProcessUsage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code arrest benchmark} measured for one engine over its timed steps: throughput, CPU time
 * split into user and kernel, and minor page faults, per step, with the malloc in use. A page-fault
 * storm (glibc returning freed tensors to the kernel) shows as high system time and faults.
 */
record StepFigures(
    String engine,
    double imagesPerSecond,
    double userSecondsPerStep,
    double systemSecondsPerStep,
    double minorFaultsPerStep,
    String allocator) {

  /** From this process's usage over {@code steps} timed steps. */
  static StepFigures of(
      String engine, double imagesPerSecond, ProcessUsage usage, int steps, String allocator) {
    return new StepFigures(
        engine,
        imagesPerSecond,
        usage.userSeconds() / steps,
        usage.systemSeconds() / steps,
        (double) usage.minorFaults() / steps,
        allocator);
  }

  /**
   * Parses the PyTorch peer's result line (src/main/resources/benchmarks/pytorch_arrest_step.py):
   * space-separated key=value pairs.
   */
  static StepFigures fromPeerLine(String engine, String line) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : line.trim().split("\\s+")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        values.put(pair.substring(0, equals), pair.substring(equals + 1));
      }
    }
    return new StepFigures(
        engine,
        number(values, "images_per_second", line),
        number(values, "user_seconds_per_step", line),
        number(values, "system_seconds_per_step", line),
        number(values, "minor_faults_per_step", line),
        values.getOrDefault("allocator", "unknown"));
  }

  private static double number(Map<String, String> values, String key, String line) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("the PyTorch peer printed no " + key + "= in: " + line);
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the PyTorch peer printed " + key + "=" + value + ", not a number, in: " + line, e);
    }
  }

  /** The engines as a table, one row each. */
  static String table(List<StepFigures> rows) {
    StringBuilder table = new StringBuilder();
    String format = "%-28s %10s %12s %12s %16s  %s%n";
    table.append(
        String.format(
            Locale.ROOT,
            format,
            "engine",
            "images/s",
            "user s/step",
            "sys s/step",
            "minor faults/step",
            "allocator"));
    for (StepFigures row : rows) {
      table.append(
          String.format(
              Locale.ROOT,
              format,
              row.engine(),
              String.format(
                  Locale.ROOT, row.imagesPerSecond() < 10 ? "%.3f" : "%.1f", row.imagesPerSecond()),
              String.format(Locale.ROOT, "%.3f", row.userSecondsPerStep()),
              String.format(Locale.ROOT, "%.3f", row.systemSecondsPerStep()),
              String.format(Locale.ROOT, "%.0f", row.minorFaultsPerStep()),
              row.allocator()));
    }
    return table.toString();
  }
}
