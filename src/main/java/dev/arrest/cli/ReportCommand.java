package dev.arrest.cli;

import dev.arrest.results.PointResults;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "report",
    description =
        "Print a run's results (results.json) as Markdown tables: accuracy per attack with 95 %%"
            + " intervals, tradeoff scores, the sweep score; with --epochs, also every training"
            + " stage's epochs. Given one stage's stage-result.json (`arrest stage`), its epochs.")
final class ReportCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "RESULTS",
      description =
          "An output directory of `arrest run` or its results.json; or a stage's directory or"
              + " its stage-result.json.")
  Path results;

  @Option(
      names = "--epochs",
      description =
          "Also print each training stage's epochs: learning rate, losses, training accuracies,"
              + " the test curve (spec.evaluation.everyEpoch) and seconds per epoch.")
  boolean epochs;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to this file instead of standard output.")
  Path output;

  @Override
  public Integer call() {
    Path file = resultsFile();
    if (file == null) {
      System.err.println(
          results
              + " is not a results.json or stage-result.json, nor a directory that holds one:"
              + " give the output directory of `arrest run`, or a stage's directory");
      return 2;
    }
    String kind = ResultsJson.kind(file);
    String report;
    if (StageResult.KIND.equals(kind)) {
      StageResult stage = ResultsJson.read(file, StageResult.class);
      if (stage.epochs == null || stage.epochs.isEmpty()) {
        System.err.println(
            file
                + " has no epochs (an evaluate stage): its accuracies are reported from the"
                + " results.json of `arrest run`");
        return 2;
      }
      report = EpochTable.render(stage.epochs);
    } else if (RunResults.KIND.equals(kind)) {
      RunResults run = ResultsJson.read(file, RunResults.class);
      report = ResultsReport.render(run) + (epochs ? epochSections(run) : "");
    } else {
      System.err.println(
          file
              + " is of kind "
              + kind
              + ", not "
              + RunResults.KIND
              + " (results.json) or "
              + StageResult.KIND
              + " (stage-result.json)");
      return 2;
    }
    if (output == null) {
      System.out.print(report);
      return 0;
    }
    try {
      Files.writeString(output, report);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + output, e);
    }
    System.out.println("Report: " + output);
    return 0;
  }

  /** The file given, or the results.json (else stage-result.json) of the directory given. */
  private Path resultsFile() {
    if (Files.isRegularFile(results)) {
      return results;
    }
    for (String name : List.of("results.json", "stage-result.json")) {
      if (Files.isRegularFile(results.resolve(name))) {
        return results.resolve(name);
      }
    }
    return null;
  }

  /** A section per training stage: the run's own, then each sweep point's. */
  private static String epochSections(RunResults run) {
    StringBuilder out = new StringBuilder();
    appendStages(run.name, run.stages, out);
    if (run.points != null) {
      for (PointResults point : run.points) {
        appendStages(point.id + " " + point.label, point.stages, out);
      }
    }
    return out.toString();
  }

  private static void appendStages(
      String title, Map<Stage, StageResult> stages, StringBuilder out) {
    for (StageResult stage : stages.values()) {
      if (stage.epochs != null && !stage.epochs.isEmpty()) {
        out.append("\n### ").append(title).append(": ").append(stage.stage).append("\n\n");
        out.append(EpochTable.render(stage.epochs));
      }
    }
  }
}
