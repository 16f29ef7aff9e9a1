package dev.arrest.cli;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.tradeoff.CurvesPlot;
import dev.arrest.tradeoff.PlanePlot;
import dev.arrest.tradeoff.ReferenceSet;
import dev.arrest.tradeoff.RunPoint;
import dev.arrest.tradeoff.TradeoffReferences;
import dev.arrest.trainer.stage.RunLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The local run's figures, as PNG and SVG under {@code OUTPUT/plots/}: per-epoch training curves of each training
 * stage and, when the spec configures a tradeoff reference, the run in the accuracy-robustness plane.
 */
final class RunPlots {
  private RunPlots() {}

  /** Writes the figures and returns the PNG paths written. */
  static List<Path> write(RunLayout layout, RunResults results, ArrestTrainingSpec spec) throws IOException {
    Path dir = layout.root().resolve("plots");
    List<Path> written = new ArrayList<>();
    for (Stage stage : List.of(Stage.PRETRAIN, Stage.FINETUNE)) {
      StageResult result = results.stages.get(stage);
      if (result == null || result.epochs.isEmpty()) {
        continue;
      }
      Path png = dir.resolve(stage + "-curves.png");
      CurvesPlot.write(results.name + ": " + stage, "Epoch", panels(result.epochs), png,
          dir.resolve(stage + "-curves.svg"));
      written.add(png);
    }
    if (results.summary != null && spec.evaluation.tradeoff != null) {
      ReferenceSet reference = TradeoffReferences.referenceSet(spec.evaluation.tradeoff);
      Path png = dir.resolve("tradeoff-plane.png");
      PlanePlot.write(reference.points(), TradeoffReferences.curve(spec.evaluation.tradeoff),
          List.of(new RunPoint(results.name, 100 * results.summary.standardAccuracy(),
              100 * results.summary.robustAccuracy())), png, dir.resolve("tradeoff-plane.svg"));
      written.add(png);
    }
    return written;
  }

  private static List<CurvesPlot.Panel> panels(List<EpochMetrics> epochs) {
    List<CurvesPlot.Panel> panels = new ArrayList<>();
    Map<String, double[]> losses = new LinkedHashMap<>();
    put(losses, "total loss", epochs, EpochMetrics::loss);
    put(losses, "cross-entropy", epochs, EpochMetrics::crossEntropyLoss);
    put(losses, "RGKD", epochs, EpochMetrics::rgkdLoss);
    put(losses, "TRADES KL", epochs, EpochMetrics::tradesKlLoss);
    panels.add(new CurvesPlot.Panel("Loss", losses));
    Map<String, double[]> accuracy = new LinkedHashMap<>();
    put(accuracy, "train clean", epochs, m -> percent(m.trainCleanAccuracy()));
    put(accuracy, "train adversarial", epochs, m -> percent(m.trainAdversarialAccuracy()));
    panels.add(new CurvesPlot.Panel("Accuracy (%)", accuracy));
    Map<String, double[]> replay = new LinkedHashMap<>();
    put(replay, "NR switch rate", epochs, m -> percent(m.noisyReplayRate()));
    if (!replay.isEmpty()) {
      panels.add(new CurvesPlot.Panel("Noisy replay (%)", replay));
    }
    return panels;
  }

  /** Adds a series unless the metric is absent in every epoch. */
  private static void put(Map<String, double[]> series, String name, List<EpochMetrics> epochs,
      Function<EpochMetrics, Double> metric) {
    double[] values = epochs.stream().map(metric).mapToDouble(v -> v == null ? Double.NaN : v).toArray();
    for (double v : values) {
      if (!Double.isNaN(v)) {
        series.put(name, values);
        return;
      }
    }
  }

  private static Double percent(Double fraction) {
    return fraction == null ? null : 100 * fraction;
  }
}
