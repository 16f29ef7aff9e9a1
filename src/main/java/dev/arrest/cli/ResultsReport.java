package dev.arrest.cli;

import dev.arrest.results.AttackResult;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.PairedComparison;
import dev.arrest.results.PointResults;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.TestSubset;
import dev.arrest.tradeoff.ConfidenceIntervals;
import dev.arrest.tradeoff.CurveSummary;
import dev.arrest.tradeoff.Interval;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffScore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A results.json as Markdown tables for a write-up: every run (the single run, or each sweep point)
 * with its standard accuracy, its robust accuracy per attack (an ensemble such as AutoAttack as one
 * column: the accuracy after its last member), the worst case, 95 % Wilson intervals for the sample
 * size, and the tradeoff score; which test images were evaluated; then the reference curve and the
 * sweep score.
 */
final class ResultsReport {
  private ResultsReport() {}

  static String render(RunResults results) {
    List<Row> rows = rows(results);
    Set<String> attackColumns = new LinkedHashSet<>();
    rows.forEach(row -> attackColumns.addAll(row.attacks().keySet()));
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(List.of("id", "run", "standard"));
    attackColumns.forEach(header::add);
    header.addAll(
        List.of(
            "robust (worst case)",
            "score (pp)",
            "robust gain (pp)",
            "standard gain (pp)",
            "NR rate (last epoch)",
            "finetune time"));
    List<List<String>> table = new ArrayList<>();
    table.add(header);
    Integer samples = null;
    Set<String> testImages = new LinkedHashSet<>();
    for (Row row : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(row.id());
      cells.add(row.label());
      EvaluationResult evaluation = row.evaluation();
      if (evaluation != null) {
        samples = evaluation.samples();
        testImages.add(TestSubset.describeImages(samples, evaluation.subset()));
      }
      cells.add(evaluation == null ? "-" : withInterval(evaluation.standardAccuracy(), samples));
      for (String attack : attackColumns) {
        Double accuracy = row.attacks().get(attack);
        cells.add(accuracy == null ? "-" : percent(accuracy));
      }
      cells.add(evaluation == null ? "-" : withInterval(evaluation.robustAccuracy(), samples));
      cells.addAll(scoreCells(row));
      cells.add(row.noisyReplayRate() == null ? "-" : percent(row.noisyReplayRate()));
      cells.add(row.finetuneSeconds() == null ? "-" : minutes(row.finetuneSeconds()));
      table.add(cells);
    }
    MarkdownTable.append(table, out);
    out.append('\n');
    if (samples != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "Accuracies on %s; standard and worst-case robust accuracy with their"
                  + " 95 %% Wilson interval. Score: signed distance to the reference curve"
                  + " (positive above it); gains: robust accuracy gained at equal standard"
                  + " accuracy, standard accuracy gained at equal robust accuracy"
                  + " (docs/tradeoff-score.md); * read the reference curve's linear extension"
                  + " beyond the range of its points. Finetune time: the training seconds of its"
                  + " epochs, summed across resumes (test curves not counted).%n",
              testImages.size() == 1
                  ? testImages.iterator().next()
                  : "different test images per row (" + String.join("; ", testImages) + ")"));
    }
    CurveSummary curve = results.referenceCurve;
    if (curve != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "%nReference curve %s: degree %d fitted to %d points over standard accuracy %s,"
                  + " RMS residual %.2f pp.%n",
              curve.reference(),
              curve.degree(),
              curve.pointCount(),
              curve.standardRange(),
              curve.rmsResidual()));
      // Why the degree is lower than asked for: a reader comparing reports must not assume the
      // requested one.
      curve.rejectedFits().forEach(rejected -> out.append("- ").append(rejected).append('\n'));
      curve
          .leftOutPoints()
          .forEach(point -> out.append("- not fitted: ").append(point).append('\n'));
    }
    SweepScore sweep = results.sweep;
    if (sweep != null) {
      out.append('\n').append(SummaryTable.describe(sweep)).append(".\n");
    }
    if (results.pairs != null && !results.pairs.isEmpty()) {
      List<List<String>> pairs = new ArrayList<>();
      pairs.add(List.of("first", "second", "standard: first - second", "robust: first - second"));
      for (PairedComparison pair : results.pairs) {
        pairs.add(
            List.of(
                pair.first(), pair.second(), pair.standard().describe(), pair.robust().describe()));
      }
      out.append('\n');
      MarkdownTable.append(pairs, out);
      out.append(
          "\nPaired differences on the same test images: the difference in percentage points,"
              + " its 95 % interval (Newcombe's method for paired data), and how many images only"
              + " the first / only the second got right. An interval that excludes 0 decides"
              + " which is more accurate.\n");
    }
    if (results.warnings != null && !results.warnings.isEmpty()) {
      out.append('\n');
      results.warnings.forEach(warning -> out.append("- ").append(warning).append('\n'));
    }
    return out.toString();
  }

  private record Row(
      String id,
      String label,
      PointResults point,
      EvaluationResult evaluation,
      Map<String, Double> attacks,
      Double noisyReplayRate,
      Double finetuneSeconds) {}

  private static List<Row> rows(RunResults results) {
    List<Row> rows = new ArrayList<>();
    if (results.points == null) {
      rows.add(
          row(
              "-",
              results.name + " (" + results.method + awpSuffix(results.stages) + ")",
              null,
              results.stages));
    } else {
      for (PointResults point : results.points) {
        rows.add(row(Integer.toString(point.id), point.label, point, point.stages));
      }
    }
    return rows;
  }

  /**
   * "+awp" when the finetuning trained with adversarial weight perturbation, as sweep labels say.
   */
  private static String awpSuffix(Map<Stage, StageResult> stages) {
    StageResult finetune = stages.get(Stage.FINETUNE);
    boolean perturbed =
        finetune != null
            && finetune.epochs != null
            && finetune.epochs.stream().anyMatch(e -> e.awpGamma() != null);
    return perturbed ? "+awp" : "";
  }

  private static Row row(
      String id, String label, PointResults point, Map<Stage, StageResult> stages) {
    StageResult evaluate = stages.get(Stage.EVALUATE);
    EvaluationResult evaluation = evaluate == null ? null : evaluate.evaluation;
    Map<String, Double> attacks = new LinkedHashMap<>();
    if (evaluation != null) {
      for (AttackResult attack : evaluation.attacks()) {
        // Ensemble members are named "ensemble/member" and run on the examples still robust, so
        // the ensemble's accuracy is its lowest member's.
        String column = attack.name().contains("/") ? attack.name().split("/")[0] : attack.name();
        attacks.merge(column, attack.robustAccuracy(), Math::min);
      }
    }
    StageResult finetune = stages.get(Stage.FINETUNE);
    Double noisyReplayRate = null;
    Double seconds = null;
    if (finetune != null) {
      seconds = finetune.seconds;
      if (finetune.epochs != null && !finetune.epochs.isEmpty()) {
        EpochMetrics last = finetune.epochs.get(finetune.epochs.size() - 1);
        noisyReplayRate = last.noisyReplayRate();
        // The stage's own seconds are those of its last run only: a stage resumed from a
        // checkpoint would show a fraction of its training. Its epochs, restored ones included,
        // each carry the time they trained.
        seconds = finetune.epochs.stream().mapToDouble(EpochMetrics::seconds).sum();
      }
    }
    return new Row(id, label, point, evaluation, attacks, noisyReplayRate, seconds);
  }

  private static List<String> scoreCells(Row row) {
    if (row.point() != null && Boolean.TRUE.equals(row.point().reference)) {
      return List.of("reference", "", "");
    }
    TradeoffScore score = null;
    if (row.point() != null && row.point().summary != null) {
      score = row.point().summary.tradeoffScore();
    } else if (row.evaluation() != null) {
      score = row.evaluation().tradeoff();
    }
    if (score == null) {
      return List.of("-", "-", "-");
    }
    return List.of(
        scoreCell(score, TradeoffScore.SIGNED_DISTANCE, score.signedDistance()),
        scoreCell(
            score, TradeoffScore.ROBUST_GAIN_AT_EQUAL_STANDARD, score.robustGainAtEqualStandard()),
        scoreCell(
            score, TradeoffScore.STANDARD_GAIN_AT_EQUAL_ROBUST, score.standardGainAtEqualRobust()));
  }

  /** A score value, marked when it reads the reference curve beyond its fitted range. */
  private static String scoreCell(TradeoffScore score, String field, double value) {
    boolean extrapolated = score.extrapolated() != null && score.extrapolated().contains(field);
    return signed(value) + (extrapolated ? " *" : "");
  }

  private static String withInterval(double accuracy, int n) {
    Interval interval = ConfidenceIntervals.wilson(100 * accuracy, n);
    return String.format(
        Locale.ROOT, "%.1f %% (%.1f–%.1f)", 100 * accuracy, interval.from(), interval.to());
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
  }

  private static String signed(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%+.2f", value) : "-";
  }

  private static String minutes(double seconds) {
    return String.format(Locale.ROOT, "%d min %02d s", (long) seconds / 60, (long) seconds % 60);
  }
}
