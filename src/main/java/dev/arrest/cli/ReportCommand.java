package dev.arrest.cli;

import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "report",
    description =
        "Print a run's results (results.json) as Markdown tables: accuracy per attack with 95 %%"
            + " intervals, tradeoff scores, the sweep score.")
final class ReportCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "RESULTS",
      description = "An output directory of `arrest run`, or its results.json.")
  Path results;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to this file instead of standard output.")
  Path output;

  @Override
  public Integer call() {
    Path file = Files.isDirectory(results) ? results.resolve("results.json") : results;
    if (!Files.isRegularFile(file)) {
      System.err.println(
          file + " does not exist: give the output directory of `arrest run` or its results.json");
      return 2;
    }
    String report = ResultsReport.render(ResultsJson.read(file, RunResults.class));
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
}
