package dev.arrest.cli;

import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.ReferenceFit;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.results.PointResults;
import dev.arrest.results.ResultsComparison;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "compare",
    description =
        "Compare the results of several runs as one sweep: fit the reference curve to the points of"
            + " the given methods across all of them, score every other point, compare chosen pairs"
            + " of points example by example, and write the combined results.json, a Markdown"
            + " report and the accuracy-robustness plane.")
final class CompareCommand implements Callable<Integer> {
  /** Beyond this many points the plane labels them by id. */
  private static final int MAX_NAMED_POINTS = 8;

  @Parameters(
      paramLabel = "RUN",
      arity = "1..*",
      description =
          "Output directories of `arrest run` (or their results.json); a run's points are labelled"
              + " <directory name>/<point>.")
  List<Path> runs;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "DIR",
      description =
          "Where to write results.json, report.md, plots/tradeoff-plane.{png,svg} and"
              + " plots/points-finetune-curves.{png,svg}.")
  Path output;

  @Option(
      names = "--reference-methods",
      split = ",",
      paramLabel = "METHOD",
      description =
          "Fit the reference curve to the points of these methods (e.g. at,trades: the baselines"
              + " trained from scratch) and score the others against it. Without it nothing is"
              + " scored.")
  List<FinetuningMethod> referenceMethods;

  @Option(
      names = "--degree",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Degree of the polynomial fitted to the reference points (default ${DEFAULT-VALUE});"
              + " lowered automatically when the fit is not monotone.")
  int degree;

  @Option(
      names = "--reference-fit",
      defaultValue = "all",
      paramLabel = "all|frontier",
      description =
          "Which reference points the curve is fitted to (default ${DEFAULT-VALUE}): all, or"
              + " frontier to leave out each point another one equals or beats on both axes (no"
              + " decreasing curve can pass both); the report lists the points left out.")
  ReferenceFit referenceFit;

  @Option(
      names = "--sweep-points",
      paramLabel = "REGEX",
      description =
          "Compute the sweep score over the scored points whose label matches this regular"
              + " expression only, e.g. 'finetune-10/arrest phi=.*' (default: every scored point).")
  Pattern sweepPoints;

  @Option(
      names = "--pair",
      arity = "2",
      paramLabel = "LABEL",
      description =
          "Compare these two points example by example (repeatable), e.g. --pair 'finetune-10/aft'"
              + " 'scratch-30/at': the difference in clean and in robust accuracy with its paired"
              + " 95 %% interval, far tighter than the two separate intervals.")
  List<String> pairLabels = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    List<ResultsComparison.Input> inputs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Path run : runs) {
      Path file = Files.isDirectory(run) ? run.resolve("results.json") : run;
      if (!Files.isRegularFile(file)) {
        System.err.println(
            file
                + " does not exist: give output directories of `arrest run` or their results.json");
        return 2;
      }
      Path directory = file.toAbsolutePath().normalize().getParent();
      String name = directory.getFileName().toString();
      if (!names.add(name)) {
        System.err.println(
            "two runs are both named "
                + name
                + " (the name of their output directory), so their points could not be told"
                + " apart: give runs in differently named directories");
        return 2;
      }
      inputs.add(new ResultsComparison.Input(name, ResultsJson.read(file, RunResults.class)));
    }
    TradeoffSpec tradeoff = null;
    if (referenceMethods != null) {
      tradeoff = new TradeoffSpec();
      tradeoff.fromSweepMethods = referenceMethods;
      tradeoff.degree = degree;
      tradeoff.fit = referenceFit;
    }
    Predicate<PointResults> inSweepScore =
        sweepPoints == null ? point -> true : point -> sweepPoints.matcher(point.label).matches();
    List<ResultsComparison.Pair> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < pairLabels.size(); i += 2) {
      pairs.add(new ResultsComparison.Pair(pairLabels.get(i), pairLabels.get(i + 1)));
    }
    RunResults combined;
    try {
      combined =
          ResultsComparison.combine(
              output.getFileName().toString(), inputs, tradeoff, inSweepScore, pairs);
    } catch (IllegalArgumentException e) {
      System.err.println("cannot compare: " + e.getMessage());
      return 2;
    }
    String report = ResultsReport.render(combined);
    Path plots = output.resolve("plots");
    try {
      Files.createDirectories(plots);
      ResultsJson.write(output.resolve("results.json"), combined);
      if (combined.points.size() > MAX_NAMED_POINTS) {
        RunPlots.numberedSweepPlane(plots, combined.points, tradeoff);
        report +=
            "\nThe plane (plots/tradeoff-plane) labels the points by their id: the names of "
                + combined.points.size()
                + " points would overlap.\n";
      } else {
        RunPlots.sweepPlane(plots, combined.points, tradeoff);
      }
      RunPlots.pointsComparison(plots, combined.name, combined.points);
      Files.writeString(output.resolve("report.md"), report);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + output, e);
    }
    System.out.print(report);
    System.out.println();
    System.out.println(
        "Results: "
            + output.resolve("results.json")
            + ", report: "
            + output.resolve("report.md")
            + ", plane: "
            + plots.resolve("tradeoff-plane.png"));
    return 0;
  }
}
