package dev.arrest.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus text endpoint (the operator's /metrics, the API server's), as series →
 * value, with the arithmetic a measurement needs: sums and differences of counters between two
 * scrapes and quantiles of a histogram, computed as PromQL's {@code histogram_quantile} does.
 */
final class MetricsSnapshot {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One series: metric name and labels. */
  record Series(String name, Map<String, String> labels) {
    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  private final Map<Series, Double> samples;

  private MetricsSnapshot(Map<Series, Double> samples) {
    this.samples = samples;
  }

  static MetricsSnapshot parse(String text) {
    Map<Series, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.strip());
      if (!sample.matches()) {
        continue;
      }
      Map<String, String> labels = new TreeMap<>();
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.put(new Series(sample.group(1), labels), number(sample.group(4)));
    }
    return new MetricsSnapshot(samples);
  }

  /** A sample value or bucket bound as Prometheus writes it ({@code +Inf}, {@code NaN}, ...). */
  private static double number(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  /** The sum of the series of {@code name} that {@code filter} accepts. */
  double sum(String name, Predicate<Series> filter) {
    return samples.entrySet().stream()
        .filter(e -> e.getKey().name().equals(name) && filter.test(e.getKey()))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  double sum(String name) {
    return sum(name, series -> true);
  }

  /** Each series of {@code name} with its increase since {@code before} (a counter). */
  Map<Series, Double> increase(String name, MetricsSnapshot before) {
    Map<Series, Double> result = new LinkedHashMap<>();
    samples.forEach(
        (series, value) -> {
          if (series.name().equals(name)) {
            double increase = value - before.samples.getOrDefault(series, 0.0);
            if (increase > 0) {
              result.put(series, increase);
            }
          }
        });
    return result;
  }

  /** A histogram's cumulative bucket counts (upper bound → count) gained since {@code before}. */
  TreeMap<Double, Double> bucketsSince(String histogram, MetricsSnapshot before) {
    return bucketsSince(histogram, before, series -> true);
  }

  /** The same, summed over the histogram's series that {@code filter} accepts. */
  TreeMap<Double, Double> bucketsSince(
      String histogram, MetricsSnapshot before, Predicate<Series> filter) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    samples.forEach(
        (series, value) -> {
          if (series.name().equals(histogram + "_bucket") && filter.test(series)) {
            double bound = number(series.label("le"));
            buckets.merge(bound, value - before.samples.getOrDefault(series, 0.0), Double::sum);
          }
        });
    return buckets;
  }

  /**
   * The {@code q}-quantile of cumulative buckets, interpolated linearly within its bucket like
   * PromQL's {@code histogram_quantile}; NaN without observations.
   */
  static double quantile(double q, TreeMap<Double, Double> buckets) {
    if (buckets.isEmpty() || buckets.lastEntry().getValue() <= 0) {
      return Double.NaN;
    }
    double total = buckets.lastEntry().getValue();
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    List<Map.Entry<Double, Double>> entries = new ArrayList<>(buckets.entrySet());
    for (Map.Entry<Double, Double> bucket : entries) {
      if (bucket.getValue() >= rank) {
        if (bucket.getKey().isInfinite()) {
          // As PromQL: the upper bound of the highest finite bucket.
          return lowerBound;
        }
        double inBucket = bucket.getValue() - lowerCount;
        return inBucket <= 0
            ? bucket.getKey()
            : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = bucket.getKey();
      lowerCount = bucket.getValue();
    }
    return lowerBound;
  }

  /** The share of observations at or below {@code bound} (a bucket bound). */
  static double shareAtOrBelow(double bound, TreeMap<Double, Double> buckets) {
    if (buckets.isEmpty() || buckets.lastEntry().getValue() <= 0) {
      return Double.NaN;
    }
    Double count = buckets.get(bound);
    return count == null ? Double.NaN : count / buckets.lastEntry().getValue();
  }
}
