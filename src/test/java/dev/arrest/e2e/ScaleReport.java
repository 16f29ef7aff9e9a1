package dev.arrest.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The figures of a scale run as a Markdown table (measure, value, target), printed and written to
 * {@code target/scale-report.md}, so that docs/operator.md can quote it as printed.
 */
final class ScaleReport {
  static final Path FILE = Path.of("target", "scale-report.md");
  private static final double MIB = 1024 * 1024;

  private final List<String> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  void row(String measure, String value, String target) {
    rows.add("| " + measure + " | " + value + " | " + target + " |");
  }

  void row(String measure, String value) {
    row(measure, value, "");
  }

  void note(String text) {
    notes.add(text);
  }

  static String seconds(double seconds) {
    return String.format(Locale.ROOT, "%.2f s", seconds);
  }

  static String millis(double seconds) {
    return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
  }

  static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / MIB);
  }

  static String perSecond(double count, double seconds) {
    return String.format(Locale.ROOT, "%.2f/s", count / seconds);
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * share);
  }

  /**
   * "verb resource count" of the largest contributors, e.g. {@code update arresttrainings/status
   * 1000}.
   */
  static String requestsByKind(Map<MetricsSnapshot.Series, Double> requests) {
    Map<String, Double> byKind = new TreeMap<>();
    requests.forEach(
        (series, count) ->
            byKind.merge(
                series.label("verb") + " " + series.label("resource"), count, Double::sum));
    if (byKind.isEmpty()) {
      return "none";
    }
    return byKind.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }

  String text() {
    StringBuilder text = new StringBuilder();
    text.append("| measure | value | target |\n|---|---|---|\n");
    rows.forEach(row -> text.append(row).append('\n'));
    notes.forEach(note -> text.append('\n').append(note).append('\n'));
    return text.toString();
  }

  void print() {
    String text = text();
    System.out.println("==== scale report\n" + text + "====");
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
