package dev.arrest.cli;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EpochTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A training stage's epochs as a Markdown table ({@code arrest report --epochs}): learning rate,
 * losses, training accuracies, the test curve (spec.evaluation.everyEpoch) and the time of each
 * epoch. A column appears only when some epoch has a value for it (an RGKD column for arrest, a
 * TRADES column for trades, a test column when the curve was measured), so the table of any method
 * is as narrow as its metrics.
 */
final class EpochTable {
  private EpochTable() {}

  private record Column(String header, Function<EpochMetrics, String> cell) {}

  static String render(List<EpochMetrics> epochs) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("epoch", e -> Integer.toString(e.epoch())));
    columns.add(new Column("learning rate", e -> format("%.4g", e.learningRate())));
    columns.add(new Column("loss", e -> format("%.4f", e.loss())));
    addIfAny(columns, epochs, "RGKD distance", EpochMetrics::rgkdLoss, v -> format("%.4f", v));
    addIfAny(columns, epochs, "TRADES KL", EpochMetrics::tradesKlLoss, v -> format("%.4f", v));
    addIfAny(columns, epochs, "NR rate", EpochMetrics::noisyReplayRate, EpochTable::percent2);
    addIfAny(columns, epochs, "AWP γ", EpochMetrics::awpGamma, v -> format("%.4g", v));
    addIfAny(
        columns, epochs, "train clean", EpochMetrics::trainCleanAccuracy, EpochTable::percent2);
    addIfAny(
        columns,
        epochs,
        "train adversarial",
        EpochMetrics::trainAdversarialAccuracy,
        EpochTable::percent2);
    addTestColumns(columns, epochs);
    columns.add(new Column("seconds", e -> format("%.0f", e.seconds())));
    columns.add(new Column("images/s", e -> format("%.0f", e.imagesPerSecond())));

    List<List<String>> rows = new ArrayList<>();
    rows.add(columns.stream().map(Column::header).toList());
    for (EpochMetrics epoch : epochs) {
      rows.add(columns.stream().map(column -> column.cell().apply(epoch)).toList());
    }
    StringBuilder out = new StringBuilder();
    MarkdownTable.append(rows, out);
    return out.toString();
  }

  /**
   * Test clean and robust accuracy, with the sample size and attack in the header when every
   * measured epoch shares them (the usual case: one seeded subset, one attack), else in each cell.
   */
  private static void addTestColumns(List<Column> columns, List<EpochMetrics> epochs) {
    List<EpochTest> tests =
        epochs.stream().map(EpochMetrics::test).filter(Objects::nonNull).toList();
    if (tests.isEmpty()) {
      return;
    }
    List<Integer> sampleSizes = tests.stream().map(EpochTest::samples).distinct().toList();
    boolean oneSampleSize = sampleSizes.size() == 1;
    String samples = oneSampleSize ? " (" + sampleSizes.get(0) + ")" : "";
    columns.add(
        new Column(
            "test clean" + samples,
            e ->
                e.test() == null
                    ? "-"
                    : percent1(e.test().standardAccuracy())
                        + (oneSampleSize ? "" : " of " + e.test().samples())));
    List<String> attacks =
        tests.stream().map(EpochTest::attack).filter(Objects::nonNull).distinct().toList();
    if (attacks.isEmpty()) {
      return;
    }
    boolean oneAttack = attacks.size() == 1;
    columns.add(
        new Column(
            "test " + (oneAttack ? attacks.get(0) : "robust") + samples,
            e ->
                e.test() == null || e.test().robustAccuracy() == null
                    ? "-"
                    : percent1(e.test().robustAccuracy())
                        + (oneAttack ? "" : " (" + e.test().attack() + ")")
                        + (oneSampleSize ? "" : " of " + e.test().samples())));
  }

  private static void addIfAny(
      List<Column> columns,
      List<EpochMetrics> epochs,
      String header,
      Function<EpochMetrics, Double> value,
      Function<Double, String> format) {
    if (epochs.stream().map(value).anyMatch(Objects::nonNull)) {
      columns.add(
          new Column(
              header,
              e -> {
                Double v = value.apply(e);
                return v == null ? "-" : format.apply(v);
              }));
    }
  }

  private static String percent1(double fraction) {
    return format("%.1f %%", 100 * fraction);
  }

  private static String percent2(double fraction) {
    return format("%.2f %%", 100 * fraction);
  }

  private static String format(String pattern, double value) {
    return String.format(Locale.ROOT, pattern, value);
  }
}
