package dev.arrest.results;

import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.tradeoff.PairedDifference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
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

  /** Two points to compare example by example, by their labels in the comparison. */
  public record Pair(String first, String second) {}

  /**
   * The inputs' evaluated points as one sweep, scored against {@code tradeoff} (typically {@code
   * fromSweepMethods}; null scores nothing); the sweep score covers the points {@code inSweepScore}
   * accepts. Points not evaluated yet are left out with a warning, so that a study can be compared
   * while it runs; so are points with a failed stage, with the stage's message.
   *
   * <p>Each of {@code pairs} is compared example by example on the test images both were evaluated
   * on; a pair that cannot be (a point failed or not evaluated yet, not evaluated alike, or without
   * per-example outcomes) is left out with a warning saying why.
   *
   * @throws IllegalArgumentException when the inputs are of different datasets, no input has an
   *     evaluated point, or a pair names a point that none of them has
   */
  public static RunResults combine(
      String name,
      List<Input> inputs,
      TradeoffSpec tradeoff,
      Predicate<PointResults> inSweepScore,
      List<Pair> pairs) {
    Set<String> datasets = distinct(inputs, results -> results.dataset);
    if (datasets.size() > 1) {
      throw new IllegalArgumentException(
          "the runs are of different datasets ("
              + inputs.stream()
                  .map(i -> i.name() + ": " + i.results().dataset)
                  .collect(Collectors.joining(", "))
              + "); accuracies on different test sets are not on one tradeoff");
    }
    List<String> warnings = new ArrayList<>();
    Set<String> architectures = distinct(inputs, results -> results.architecture);
    if (architectures.size() > 1) {
      warnings.add(
          "the runs train different architectures (" + String.join(", ", architectures) + ")");
    }
    List<PointResults> points = new ArrayList<>();
    List<String> unevaluated = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (Input input : inputs) {
      for (PointResults point : pointsOf(input)) {
        if (point.summary == null) {
          // A failed stage (e.g. a diverged training) will not be evaluated by waiting.
          point.stages.values().stream()
              .filter(stage -> stage.status == StageStatus.FAILED)
              .findFirst()
              .ifPresentOrElse(
                  stage -> failed.put(point.label, stage.stage + ": " + stage.message),
                  () -> unevaluated.add(point.label));
          continue;
        }
        point.id = points.size();
        points.add(point);
      }
    }
    if (!unevaluated.isEmpty()) {
      warnings.add("left out, not evaluated yet: " + String.join(", ", unevaluated));
    }
    failed.forEach((label, why) -> warnings.add("left out, failed: " + label + " (" + why + ")"));
    if (points.isEmpty()) {
      throw new IllegalArgumentException(
          "none of the runs has an evaluated point yet ("
              + inputs.stream().map(Input::name).collect(Collectors.joining(", "))
              + ")");
    }
    warnIfEvaluationsDiffer(points, warnings);
    List<PairedComparison> compared = new ArrayList<>();
    for (Pair pair : pairs) {
      String unpaired = unpaired(pair, failed.keySet(), ": ", " failed");
      if (unpaired == null) {
        unpaired = unpaired(pair, unevaluated, " yet: ", " not evaluated");
      }
      if (unpaired != null) {
        warnings.add(unpaired);
        continue;
      }
      PairedComparison comparison =
          paired(pointNamed(pair.first(), points), pointNamed(pair.second(), points), warnings);
      if (comparison != null) {
        compared.add(comparison);
      }
    }
    RunResults combined = new RunResults();
    combined.name = name;
    combined.dataset = datasets.isEmpty() ? null : datasets.iterator().next();
    combined.architecture = architectures.size() == 1 ? architectures.iterator().next() : null;
    combined.seed = inputs.get(0).results().seed;
    combined.points = points;
    combined.pairs = compared.isEmpty() ? null : compared;
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
   * Why {@code pair} cannot be compared when some of its points are among {@code labels} (e.g.
   * "cannot pair A with B yet: B not evaluated"), or null when none is.
   */
  private static String unpaired(
      Pair pair, Collection<String> labels, String separator, String state) {
    List<String> named =
        List.of(pair.first(), pair.second()).stream().filter(labels::contains).toList();
    return named.isEmpty()
        ? null
        : "cannot pair "
            + pair.first()
            + " with "
            + pair.second()
            + separator
            + String.join(" and ", named)
            + state;
  }

  /** The inputs' distinct non-null values of a field, in input order. */
  private static Set<String> distinct(List<Input> inputs, Function<RunResults, String> field) {
    return inputs.stream()
        .map(i -> field.apply(i.results()))
        .filter(Objects::nonNull)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static PointResults pointNamed(String label, List<PointResults> points) {
    return points.stream()
        .filter(p -> p.label.equals(label))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no evaluated point is labelled '"
                        + label
                        + "' (the points: "
                        + points.stream().map(p -> p.label).collect(Collectors.joining(", "))
                        + ")"));
  }

  /**
   * The two points compared example by example, or null (with a warning) when their outcomes are
   * not of the same test images.
   */
  private static PairedComparison paired(
      PointResults first, PointResults second, List<String> warnings) {
    EvaluationResult a = evaluation(first);
    EvaluationResult b = evaluation(second);
    String problem = null;
    if (a == null || b == null) {
      problem = (a == null ? first.label : second.label) + " has no evaluation stage";
    } else if (a.examples() == null || b.examples() == null) {
      problem =
          (a.examples() == null ? first.label : second.label)
              + " has no per-example outcomes (evaluated before they were recorded)";
    } else if (a.samples() != b.samples() || !Objects.equals(a.subset(), b.subset())) {
      problem = "they were not evaluated on the same test images";
    } else if (!a.attacks().stream()
        .map(AttackResult::name)
        .toList()
        .equals(b.attacks().stream().map(AttackResult::name).toList())) {
      problem = "they were not evaluated by the same attacks";
    }
    if (problem != null) {
      warnings.add("cannot pair " + first.label + " with " + second.label + ": " + problem);
      return null;
    }
    int n = a.samples();
    return new PairedComparison(
        first.label,
        second.label,
        PairedDifference.of(a.examples().standard(n), b.examples().standard(n)),
        PairedDifference.of(a.examples().robust(n), b.examples().robust(n)));
  }

  private static EvaluationResult evaluation(PointResults point) {
    StageResult evaluate = point.stages.get(Stage.EVALUATE);
    return evaluate == null ? null : evaluate.evaluation;
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
      EvaluationResult evaluation = evaluation(point);
      int samples = point.summary.samples() == null ? 0 : point.summary.samples();
      String images =
          TestSubset.describeImages(samples, evaluation == null ? null : evaluation.subset());
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
