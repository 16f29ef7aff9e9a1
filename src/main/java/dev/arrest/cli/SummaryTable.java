package dev.arrest.cli;

import dev.arrest.results.AttackResult;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.PointResults;
import dev.arrest.results.RunResults;
import dev.arrest.results.StageResult;
import dev.arrest.tradeoff.SweepScore;
import dev.arrest.tradeoff.TradeoffScore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table printed at the end of a local run. */
final class SummaryTable {
  private SummaryTable() {}

  static void print(RunResults results, PrintStream out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"stage", "status", "time", "result"});
    for (StageResult stage : results.stages.values()) {
      rows.add(
          new String[] {
            stage.stage.toString(),
            String.valueOf(stage.status),
            stage.seconds == null ? "" : String.format(Locale.ROOT, "%.1f s", stage.seconds),
            describe(stage)
          });
    }
    out.println();
    out.println(
        "ArrestTraining "
            + results.name
            + " ("
            + (results.points != null
                ? "sweep of "
                    + results.points.size()
                    + " points"
                    + (results.method == null ? "" : ", " + results.method)
                : results.method)
            + ", "
            + results.dataset
            + ", "
            + results.architecture
            + ")");
    printTable(rows, out);
    if (results.points != null) {
      printSweep(results, out);
    }
    if (results.summary != null) {
      List<String[]> accuracy = new ArrayList<>();
      accuracy.add(new String[] {"metric", "accuracy"});
      accuracy.add(new String[] {"standard (clean)", percent(results.summary.standardAccuracy())});
      results.stages.values().stream()
          .filter(s -> s.evaluation != null)
          .findFirst()
          .ifPresent(
              s -> {
                for (AttackResult attack : s.evaluation.attacks()) {
                  accuracy.add(
                      new String[] {
                        "robust, "
                            + attack.name()
                            + String.format(Locale.ROOT, " (eps %.4g)", attack.epsilon()),
                        percent(attack.robustAccuracy())
                      });
                }
              });
      accuracy.add(new String[] {"robust, worst case", percent(results.summary.robustAccuracy())});
      out.println();
      out.println("Evaluation on " + results.summary.samples() + " test examples:");
      printTable(accuracy, out);
    }
  }

  /** One row per point (standard, robust, score), then the sweep's score or why there is none. */
  private static void printSweep(RunResults results, PrintStream out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"id", "point", "status", "time", "standard", "robust", "score"});
    for (PointResults point : results.points) {
      StageResult last =
          point.stages.isEmpty()
              ? null
              : new ArrayList<>(point.stages.values()).get(point.stages.size() - 1);
      double seconds =
          point.stages.values().stream().mapToDouble(s -> s.seconds == null ? 0 : s.seconds).sum();
      rows.add(
          new String[] {
            Integer.toString(point.id),
            point.label,
            last == null ? "not run" : last.stage + " " + last.status,
            last == null ? "" : String.format(Locale.ROOT, "%.1f s", seconds),
            point.summary == null ? "-" : percent(point.summary.standardAccuracy()),
            point.summary == null ? "-" : percent(point.summary.robustAccuracy()),
            score(point)
          });
    }
    out.println();
    out.println("Sweep points (score: signed distance to the reference curve, pp):");
    printTable(rows, out);
    SweepScore sweep = results.sweep;
    if (sweep != null) {
      out.println();
      out.println(describe(sweep));
    }
    if (results.warnings != null) {
      results.warnings.forEach(w -> out.println("Warning: " + w));
    }
  }

  /** One sentence: the sweep score, its reference and the intervals it was averaged over. */
  static String describe(SweepScore sweep) {
    return String.format(
        Locale.ROOT,
        "Sweep score vs %s (%d points): mean robust gain %+.2f pp over"
            + " standard accuracy %s, mean standard gain %s",
        sweep.reference(),
        sweep.runCount(),
        sweep.meanRobustGain(),
        sweep.standardOverlap(),
        sweep.meanStandardGain() == null
            ? "undefined"
            : String.format(
                Locale.ROOT,
                "%+.2f pp over robust accuracy %s",
                sweep.meanStandardGain(),
                sweep.robustOverlap()));
  }

  private static String score(PointResults point) {
    if (Boolean.TRUE.equals(point.reference)) {
      return "reference";
    }
    TradeoffScore score = point.summary == null ? null : point.summary.tradeoffScore();
    return score == null ? "-" : String.format(Locale.ROOT, "%+.2f", score.signedDistance());
  }

  private static String describe(StageResult stage) {
    if (stage.message != null) {
      return stage.message;
    }
    EpochMetrics last = stage.lastEpoch();
    if (last != null) {
      return String.format(
          Locale.ROOT,
          "%d epochs, last: loss %.4f, train clean acc %s%s",
          stage.epochs.size(),
          last.loss(),
          percent(last.trainCleanAccuracy()),
          last.trainAdversarialAccuracy() == null
              ? ""
              : ", adv acc " + percent(last.trainAdversarialAccuracy()));
    }
    if (stage.evaluation != null) {
      return String.format(
          Locale.ROOT,
          "clean %s, robust %s",
          percent(stage.evaluation.standardAccuracy()),
          percent(stage.evaluation.robustAccuracy()));
    }
    return "";
  }

  private static String percent(Double fraction) {
    return fraction == null ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
  }

  private static void printTable(List<String[]> rows, PrintStream out) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(c == 0 ? "| " : " | ")
            .append(String.format("%-" + widths[c] + "s", rows.get(r)[c]));
      }
      out.println(line.append(" |"));
      if (r == 0) {
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < columns; c++) {
          rule.append(c == 0 ? "|-" : "-|-").append("-".repeat(widths[c]));
        }
        out.println(rule.append("-|"));
      }
    }
  }
}
