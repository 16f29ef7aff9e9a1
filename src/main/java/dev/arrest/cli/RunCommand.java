package dev.arrest.cli;

import ai.djl.ndarray.NDManager;
import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SpecException;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.RunResults;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.stage.RunLayout;
import dev.arrest.trainer.stage.StageContext;
import dev.arrest.trainer.stage.StageExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = {"Run all stages of an ArrestTraining locally: pretrain, finetune, evaluate.",
    "Finished stages in the output directory are kept; an interrupted stage resumes from its last checkpoint."})
final class RunCommand implements Callable<Integer> {

  @Parameters(paramLabel = "SPEC", description = "ArrestTraining YAML or JSON file.")
  Path spec;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR",
      description = "Output directory (default: runs/<metadata.name>).")
  Path output;

  @Option(names = "--progress", defaultValue = "auto",
      description = "Progress display: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Progress progressMode;

  @Override
  public Integer call() {
    ArrestTraining training;
    try {
      training = ArrestTrainingDocuments.read(spec);
    } catch (SpecException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    String name = training.getMetadata().getName();
    RunLayout layout = new RunLayout(output != null ? output : Path.of("runs", name));
    String document = ArrestTrainingDocuments.toYaml(training);
    if (!claimOutput(layout, document)) {
      return 2;
    }
    ProgressListener progress = progressMode.listener(name);
    RunResults results = new RunResults();
    results.name = name;
    results.method = training.getSpec().finetuning.method.toString();
    results.dataset = training.getSpec().dataset.name.toString();
    results.architecture = training.getSpec().model.architecture.toString();
    results.seed = training.getSpec().seed;
    progress.info("Running ArrestTraining " + name + " into " + layout.root().toAbsolutePath());
    try (NDManager manager = NDManager.newBaseManager()) {
      progress.info("Device: " + manager.getDevice() + ", engine: " + manager.getEngine().getEngineName() + " "
          + manager.getEngine().getVersion());
      StageContext context = new StageContext(training, layout, manager, progress);
      for (Stage stage : Stage.values()) {
        StageResult result = finished(layout, stage);
        if (result != null) {
          progress.info(stage + ": already " + result.status + " in " + layout.stageResult(stage) + ", kept");
        } else {
          result = StageExecutor.run(stage, context);
        }
        results.put(result);
        ResultsJson.write(layout.resultsFile(), results);
        if (result.status == StageStatus.FAILED) {
          SummaryTable.print(results, System.out);
          System.err.println(stage + " failed: " + result.message);
          return 1;
        }
      }
    }
    SummaryTable.print(results, System.out);
    try {
      for (Path plot : RunPlots.write(layout, results, training.getSpec())) {
        System.out.println("Plot: " + plot.toAbsolutePath());
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not draw the plots: " + e.getMessage());
    }
    System.out.println("Results: " + layout.resultsFile().toAbsolutePath());
    return 0;
  }

  /** A stage whose result says it is done (with this same spec, checked by {@link #claimOutput}). */
  private static StageResult finished(RunLayout layout, Stage stage) {
    Path file = layout.stageResult(stage);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    StageResult result = ResultsJson.read(file, StageResult.class);
    return result.status == StageStatus.SUCCEEDED || result.status == StageStatus.SKIPPED ? result : null;
  }

  /** Records the spec in the output directory, refusing a directory that holds a run of a different spec. */
  private static boolean claimOutput(RunLayout layout, String document) {
    try {
      Path specFile = layout.specFile();
      if (Files.exists(specFile) && !Files.readString(specFile).equals(document)) {
        System.err.println(layout.root() + " holds a run of a different spec (" + specFile + "). Use --output to"
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
