package dev.arrest.cli;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.PointResults;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.SweepScoring;
import dev.arrest.tradeoff.CurvesPlot;
import dev.arrest.tradeoff.PlanePlot;
import dev.arrest.tradeoff.ReferencePoint;
import dev.arrest.tradeoff.ReferenceSet;
import dev.arrest.tradeoff.RunPoint;
import dev.arrest.tradeoff.TradeoffCurve;
import dev.arrest.tradeoff.TradeoffReferences;
import dev.arrest.trainer.stage.RunLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The local run's figures, as PNG and SVG under {@code OUTPUT/plots/}: per-epoch training curves of
 * each training stage and the accuracy-robustness plane. A single run is drawn in the plane when
 * the spec configures a tradeoff reference; a sweep always draws its points there (labelled), with
 * the reference points and curve when it has one, and adds each point's finetuning curves and one
 * figure comparing them. Measured points carry the 95 % Wilson intervals of both accuracies as
 * error bars.
 */
final class RunPlots {
  private RunPlots() {}

  /** Writes the figures and returns the PNG paths written. */
  static List<Path> write(RunLayout layout, RunResults results, ArrestTrainingSpec spec)
      throws IOException {
    Path dir = layout.plotsDirectory();
    List<Path> written = new ArrayList<>();
    for (Stage stage : List.of(Stage.PRETRAIN, Stage.FINETUNE)) {
      StageResult result = results.stages.get(stage);
      if (result != null && !result.epochs.isEmpty()) {
        written.add(curves(dir, stage + "-curves", results.name + ": " + stage, result.epochs));
      }
    }
    if (results.points != null) {
      written.addAll(sweepFigures(dir, results, spec.evaluation.tradeoff));
    } else if (results.summary != null && spec.evaluation.tradeoff != null) {
      written.add(
          plane(
              dir,
              TradeoffReferences.referenceSet(spec.evaluation.tradeoff)
                  .pointsMarkingThoseNotFitted(spec.evaluation.tradeoff.fit),
              TradeoffReferences.curve(spec.evaluation.tradeoff),
              List.of(singleRun(results))));
    }
    return written;
  }

  /** The run in the plane, with the Wilson intervals of its accuracies when its sample is known. */
  private static RunPoint singleRun(RunResults results) {
    double standard = 100 * results.summary.standardAccuracy();
    double robust = 100 * results.summary.robustAccuracy();
    Integer samples = results.summary.samples();
    return samples == null || samples < 1
        ? new RunPoint(results.name, standard, robust)
        : RunPoint.measured(results.name, standard, robust, samples);
  }

  private static List<Path> sweepFigures(Path dir, RunResults results, TradeoffSpec tradeoff)
      throws IOException {
    List<Path> written = new ArrayList<>();
    for (PointResults point : results.points) {
      List<EpochMetrics> epochs = finetuneEpochs(point);
      if (!epochs.isEmpty()) {
        written.add(
            curves(
                dir,
                Path.of(point.directory).getFileName() + "-finetune-curves",
                results.name + ": " + point.label + ", finetune",
                epochs));
      }
    }
    pointsComparison(dir, results.name, results.points).ifPresent(written::add);
    List<PointResults> evaluated = results.points.stream().filter(p -> p.summary != null).toList();
    if (!evaluated.isEmpty()) {
      written.add(sweepPlane(dir, evaluated, tradeoff));
    }
    return written;
  }

  /**
   * Every evaluated point, labelled; the reference points and curve when the spec has a reference.
   */
  static Path sweepPlane(Path dir, List<PointResults> evaluated, TradeoffSpec tradeoff)
      throws IOException {
    List<ReferencePoint> referencePoints = List.of();
    TradeoffCurve curve = null;
    List<PointResults> runs = evaluated;
    if (tradeoff != null && tradeoff.fromSweepMethods != null) {
      List<PointResults> own =
          evaluated.stream().filter(p -> SweepScoring.isOwnReference(p, tradeoff)).toList();
      runs = evaluated.stream().filter(p -> !SweepScoring.isOwnReference(p, tradeoff)).toList();
      ReferenceSet set = SweepScoring.ownReferenceSet(own, tradeoff);
      referencePoints = set.pointsMarkingThoseNotFitted(tradeoff.fit);
      try {
        curve = set.fitCurve(tradeoff.degree, tradeoff.fit);
      } catch (IllegalArgumentException e) {
        // Too few points so far, or no tradeoff among them: results.json's warnings say which.
        curve = null;
      }
    } else if (tradeoff != null) {
      referencePoints =
          TradeoffReferences.referenceSet(tradeoff).pointsMarkingThoseNotFitted(tradeoff.fit);
      curve = TradeoffReferences.curve(tradeoff);
    }
    return plane(dir, referencePoints, curve, SweepScoring.runPoints(runs));
  }

  /**
   * As {@link #sweepPlane}, with every point labelled by its id instead of its name: the names of
   * many points overlap.
   */
  static Path numberedSweepPlane(Path dir, List<PointResults> evaluated, TradeoffSpec tradeoff)
      throws IOException {
    return sweepPlane(dir, evaluated.stream().map(RunPlots::labelledById).toList(), tradeoff);
  }

  private static PointResults labelledById(PointResults point) {
    PointResults copy = new PointResults();
    copy.id = point.id;
    copy.label = String.valueOf(point.id);
    copy.method = point.method;
    copy.reference = point.reference;
    copy.stages = point.stages;
    copy.summary = point.summary;
    return copy;
  }

  private static Path plane(
      Path dir, List<ReferencePoint> referencePoints, TradeoffCurve curve, List<RunPoint> runs)
      throws IOException {
    Path png = dir.resolve("tradeoff-plane.png");
    PlanePlot.write(referencePoints, curve, runs, png, dir.resolve("tradeoff-plane.svg"));
    return png;
  }

  private static Path curves(Path dir, String name, String title, List<EpochMetrics> epochs)
      throws IOException {
    Path png = dir.resolve(name + ".png");
    CurvesPlot.write(title, "Epoch", panels(epochs), png, dir.resolve(name + ".svg"));
    return png;
  }

  /**
   * The finetuning of every point that trained side by side ({@link #comparison}); empty when none
   * did.
   */
  static Optional<Path> pointsComparison(Path dir, String name, List<PointResults> points)
      throws IOException {
    Map<String, List<EpochMetrics>> finetuned = new LinkedHashMap<>();
    for (PointResults point : points) {
      List<EpochMetrics> epochs = finetuneEpochs(point);
      if (!epochs.isEmpty()) {
        finetuned.put(point.label, epochs);
      }
    }
    return finetuned.isEmpty() ? Optional.empty() : Optional.of(comparison(dir, name, finetuned));
  }

  /** A point's finetuning epochs; empty when it has not trained (yet). */
  private static List<EpochMetrics> finetuneEpochs(PointResults point) {
    StageResult finetune = point.stages.get(Stage.FINETUNE);
    return finetune == null ? List.of() : finetune.epochs;
  }

  /**
   * The points' finetuning side by side: total loss and accuracy on the inputs trained on, one
   * series per point.
   */
  private static Path comparison(Path dir, String name, Map<String, List<EpochMetrics>> byPoint)
      throws IOException {
    Map<String, double[]> loss = new LinkedHashMap<>();
    Map<String, double[]> adversarial = new LinkedHashMap<>();
    Map<String, double[]> testRobust = new LinkedHashMap<>();
    byPoint.forEach(
        (label, epochs) -> {
          put(loss, label, epochs, EpochMetrics::loss);
          put(adversarial, label, epochs, m -> percent(m.trainAdversarialAccuracy()));
          put(
              testRobust,
              label,
              epochs,
              m -> m.test() == null ? null : percent(m.test().robustAccuracy()));
        });
    List<CurvesPlot.Panel> panels = new ArrayList<>();
    panels.add(new CurvesPlot.Panel("Loss", loss));
    if (!adversarial.isEmpty()) {
      panels.add(new CurvesPlot.Panel("Train adversarial accuracy (%)", adversarial));
    }
    if (!testRobust.isEmpty()) {
      String label = testLabel(byPoint.values().stream().flatMap(List::stream).toList());
      panels.add(
          new CurvesPlot.Panel(label.replace("Test accuracy", "Test robust accuracy"), testRobust));
    }
    Path png = dir.resolve("points-finetune-curves.png");
    CurvesPlot.write(
        name + ": finetuning of every point",
        "Epoch",
        panels,
        png,
        dir.resolve("points-finetune-curves.svg"));
    return png;
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
    Map<String, double[]> test = new LinkedHashMap<>();
    put(
        test,
        "test clean",
        epochs,
        m -> m.test() == null ? null : percent(m.test().standardAccuracy()));
    put(
        test,
        "test robust",
        epochs,
        m -> m.test() == null ? null : percent(m.test().robustAccuracy()));
    if (!test.isEmpty()) {
      panels.add(new CurvesPlot.Panel(testLabel(epochs), test));
    }
    Map<String, double[]> replay = new LinkedHashMap<>();
    put(replay, "NR switch rate", epochs, m -> percent(m.noisyReplayRate()));
    if (!replay.isEmpty()) {
      panels.add(new CurvesPlot.Panel("Noisy replay (%)", replay));
    }
    return panels;
  }

  /** Adds a series unless the metric is absent in every epoch. */
  private static void put(
      Map<String, double[]> series,
      String name,
      List<EpochMetrics> epochs,
      Function<EpochMetrics, Double> metric) {
    double[] values =
        epochs.stream().map(metric).mapToDouble(v -> v == null ? Double.NaN : v).toArray();
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

  /**
   * The test panel's axis label, naming what the curve measured, e.g. "Test accuracy (%), 1000
   * images, pgd-10".
   */
  private static String testLabel(List<EpochMetrics> epochs) {
    return epochs.stream()
        .map(EpochMetrics::test)
        .filter(t -> t != null)
        .findFirst()
        .map(
            t ->
                "Test accuracy (%), "
                    + t.samples()
                    + " images"
                    + (t.attack() == null ? "" : ", " + t.attack()))
        .orElse("Test accuracy (%)");
  }
}
