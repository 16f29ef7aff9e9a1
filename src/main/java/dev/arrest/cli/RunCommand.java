package dev.arrest.cli;

import ai.djl.ndarray.NDManager;
import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SpecException;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.stage.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    description = {
      "Run all stages of an ArrestTraining locally: pretrain, finetune, evaluate.",
      "A sweep (spec.sweep) pretrains once, then finetunes and evaluates each point, then scores"
          + " the sweep.",
      "Finished stages in the output directory are kept; an interrupted stage resumes from its last"
          + " checkpoint."
    })
final class RunCommand implements Callable<Integer> {

  @Parameters(paramLabel = "SPEC", description = "ArrestTraining YAML or JSON file.")
  Path spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Output directory (default: runs/<metadata.name>).")
  Path output;

  @Mixin ProgressOption progressOption;

  @Mixin ThreadsOption threadsOption;

  @Override
  public Integer call() {
    ArrestTraining training;
    try {
      training = ArrestTrainingDocuments.read(spec);
    } catch (SpecException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    int threads;
    try {
      threads = threadsOption.configure();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    String name = training.getMetadata().getName();
    RunLayout layout = new RunLayout(output != null ? output : Path.of("runs", name));
    String outputProblem = OutputDirectory.problem(layout.root());
    if (outputProblem != null) {
      System.err.println(outputProblem);
      return 2;
    }
    String document = ArrestTrainingDocuments.toYaml(training);
    if (!claimOutput(layout, document)) {
      return 2;
    }
    ProgressListener progress = progressOption.listener(name);
    RunResults results = newResults(training);
    progress.info("Running ArrestTraining " + name + " into " + layout.root().toAbsolutePath());
    int exitCode;
    try (NDManager manager = NDManager.newBaseManager()) {
      progress.info(
          "Device: "
              + manager.getDevice()
              + ", engine: "
              + manager.getEngine().getEngineName()
              + " "
              + manager.getEngine().getVersion()
              + ", intra-op threads: "
              + threads);
      ResumableStages stages = new ResumableStages(manager, progress);
      exitCode =
          training.getSpec().sweep == null
              ? runStages(training, layout, stages, results)
              : SweepRun.run(training, layout, stages, results);
    }
    SummaryTable.print(results, System.out);
    // Also after a failure: what did finish (e.g. the other points of a sweep) is worth seeing.
    try {
      for (Path plot : RunPlots.write(layout, results, training.getSpec())) {
        System.out.println("Plot: " + plot.toAbsolutePath());
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not draw the plots: " + e.getMessage());
    }
    System.out.println("Results: " + layout.resultsFile().toAbsolutePath());
    return exitCode;
  }

  private static RunResults newResults(ArrestTraining training) {
    ArrestTrainingSpec spec = training.getSpec();
    RunResults results = new RunResults();
    results.name = training.getMetadata().getName();
    // A sweep over methods has no one method; its points name theirs.
    results.method =
        spec.sweep != null && spec.sweep.methods != null ? null : spec.finetuning.method.toString();
    results.dataset = spec.dataset.name.toString();
    results.architecture = spec.model.architecture.toString();
    results.seed = spec.seed;
    return results;
  }

  /** A single run: every stage in order, stopping at the first failure. */
  private static int runStages(
      ArrestTraining training, RunLayout layout, ResumableStages stages, RunResults results) {
    for (Stage stage : Stage.values()) {
      StageResult result = stages.run(stage, training, layout);
      results.put(result);
      ResultsJson.write(layout.resultsFile(), results);
      if (result.status == StageStatus.FAILED) {
        System.err.println(stage + " failed: " + result.message);
        return 1;
      }
    }
    return 0;
  }

  /**
   * Records the spec in the output directory, refusing a directory that holds a run of a different
   * spec.
   */
  private static boolean claimOutput(RunLayout layout, String document) {
    try {
      Path specFile = layout.specFile();
      if (Files.exists(specFile) && !Files.readString(specFile).equals(document)) {
        System.err.println(
            layout.root()
                + " holds a run of a different spec ("
                + specFile
                + "). Use --output to"
                + " choose another directory, or delete it to start over.");
        return false;
      }
      ResultsJson.writeAtomically(specFile, document);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
