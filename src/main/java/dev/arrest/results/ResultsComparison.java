package dev.arrest.results;

import dev.arrest.api.v1alpha1.TradeoffSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Several runs' results as one sweep, scored together (docs/sweeps.md, "Comparing runs"): a study
 * that spans several specs (baselines trained from scratch in one, finetuned points of several
 * lengths in others) gets one reference curve fitted to the baselines of all of them, a score for
 * every other point, and one plane. The combined results are an ordinary results.json: every point
 * keeps its stages, labelled {@code <run>/<point>}.
 */
public final class ResultsComparison {
  private ResultsComparison() {}

  /**
   * One run to compare.
   *
   * @param name how its points are labelled, e.g. the output directory's name
   * @param results its results.json
   */
  public record Input(String name, RunResults results) {}

  /**
   * The inputs' evaluated points as one sweep, scored against {@code tradeoff} (typically {@code
   * fromSweepMethods}; null scores nothing); the sweep score covers the points {@code inSweepScore}
   * accepts. Points not evaluated yet are left out with a warning, so that a study can be compared
   * while it runs.
   *
   * @throws IllegalArgumentException when the inputs are of different datasets, or no input has an
   *     evaluated point
   */
  public static RunResults combine(
      String name,
      List<Input> inputs,
      TradeoffSpec tradeoff,
      Predicate<PointResults> inSweepScore) {
    Set<String> datasets =
        inputs.stream()
            .map(i -> i.results().dataset)
            .filter(Objects::nonNull)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    if (datasets.size() > 1) {
      throw new IllegalArgumentException(
          "the runs are of different datasets ("
              + inputs.stream()
                  .map(i -> i.name() + ": " + i.results().dataset)
                  .collect(Collectors.joining(", "))
              + "); accuracies on different test sets are not on one tradeoff");
    }
    List<String> warnings = new ArrayList<>();
    Set<String> architectures =
        inputs.stream()
            .map(i -> i.results().architecture)
            .filter(Objects::nonNull)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    if (architectures.size() > 1) {
      warnings.add(
          "the runs train different architectures (" + String.join(", ", architectures) + ")");
    }
    List<PointResults> points = new ArrayList<>();
    List<String> unevaluated = new ArrayList<>();
    for (Input input : inputs) {
      for (PointResults point : pointsOf(input)) {
        if (point.summary == null) {
          unevaluated.add(point.label);
          continue;
        }
        point.id = points.size();
        points.add(point);
      }
    }
    if (!unevaluated.isEmpty()) {
      warnings.add("left out, not evaluated yet: " + String.join(", ", unevaluated));
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException(
          "none of the runs has an evaluated point yet ("
              + inputs.stream().map(Input::name).collect(Collectors.joining(", "))
              + ")");
    }
    warnIfEvaluationsDiffer(points, warnings);
    RunResults combined = new RunResults();
    combined.name = name;
    combined.dataset = datasets.isEmpty() ? null : datasets.iterator().next();
    combined.architecture = architectures.size() == 1 ? architectures.iterator().next() : null;
    combined.seed = inputs.get(0).results().seed;
    combined.points = points;
    if (tradeoff == null) {
      warnings.add("nothing is scored: no reference methods were given to fit a curve to");
    } else {
      SweepScoring.apply(combined, tradeoff, inSweepScore);
      warnings.addAll(combined.warnings);
    }
    combined.warnings = warnings;
    return combined;
  }

  /**
   * An input's points, relabelled {@code <run>/<point>} (a single run is one point labelled by the
   * run), without the scores its own spec gave them.
   */
  private static List<PointResults> pointsOf(Input input) {
    RunResults results = input.results();
    if (results.points == null) {
      PointResults single = new PointResults();
      single.label = input.name();
      single.directory = input.name();
      single.method = results.method;
      single.stages = new LinkedHashMap<>(results.stages);
      single.summary = unscored(results.summary);
      return List.of(single);
    }
    List<PointResults> points = new ArrayList<>();
    for (PointResults point : results.points) {
      PointResults copy = new PointResults();
      copy.label = input.name() + "/" + point.label;
      copy.directory = input.name() + "/" + point.directory;
      copy.method = point.method;
      copy.overrides = point.overrides;
      copy.stages = point.stages;
      copy.summary = unscored(point.summary);
      points.add(copy);
    }
    return points;
  }

  private static RunResults.Summary unscored(RunResults.Summary summary) {
    return summary == null ? null : summary.withTradeoffScore(null);
  }

  /**
   * Points evaluated on different test images or by different attacks are compared anyway (a
   * researcher may mean to), but not silently.
   */
  private static void warnIfEvaluationsDiffer(List<PointResults> points, List<String> warnings) {
    Set<String> evaluations = new LinkedHashSet<>();
    for (PointResults point : points) {
      StageResult evaluate = point.stages.get(Stage.EVALUATE);
      EvaluationResult evaluation = evaluate == null ? null : evaluate.evaluation;
      int samples = point.summary.samples() == null ? 0 : point.summary.samples();
      String images =
          evaluation == null || evaluation.subset() == null
              ? samples + " test images"
              : samples + " test images (" + evaluation.subset().describe(samples) + ")";
      String attacks =
          evaluation == null
              ? "unrecorded attacks"
              : evaluation.attacks().stream()
                  .map(AttackResult::name)
                  .distinct()
                  .collect(Collectors.joining("+"));
      evaluations.add(images + ", " + attacks);
    }
    if (evaluations.size() > 1) {
      warnings.add(
          "the points were not evaluated alike ("
              + String.join("; ", evaluations)
              + "): their accuracies are not measured on one footing");
    }
  }
}
