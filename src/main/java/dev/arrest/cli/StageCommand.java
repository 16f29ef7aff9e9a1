package dev.arrest.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.arrest.api.spec.SpecException;
import dev.arrest.api.spec.SweepPoint;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.results.ExitCodes;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import dev.arrest.trainer.stage.RunLayout;
import dev.arrest.trainer.stage.StageContext;
import dev.arrest.trainer.stage.StageExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "stage",
    description = {
      "Run one stage of an ArrestTraining (what a trainer pod runs).",
      "Reads the previous stage's model from the output directory and writes"
          + " <output>/<stage>/stage-result.json;",
      "a sweep point's (--point) go to <output>/points/<NN-slug>/<stage>/, sharing"
          + " <output>/pretrain/."
    })
final class StageCommand implements Callable<Integer> {

  @Parameters(paramLabel = "STAGE", description = "pretrain, finetune or evaluate.")
  String stage;

  @Option(
      names = "--spec",
      paramLabel = "FILE",
      description =
          "ArrestTraining YAML or JSON file (default: the ARREST_TRAINING environment variable).")
  Path spec;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "DIR",
      description = "The training's output directory, shared by its stages.")
  Path output;

  @Option(
      names = "--point",
      paramLabel = "ID",
      description =
          "Sweeps: the point whose finetune or evaluate stage to run (ids from 0, as in"
              + " results.json); pretrain is shared and takes no point.")
  Integer point;

  @Option(
      names = "--termination-message-path",
      paramLabel = "FILE",
      description = "Also write the compact result here (in a pod: /dev/termination-log).")
  Path terminationMessage;

  @Mixin ProgressOption progressOption;

  @Mixin ThreadsOption threadsOption;

  @Override
  public Integer call() {
    Stage which;
    try {
      which = Stage.parse(stage);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return ExitCodes.INVALID_SPEC;
    }
    ArrestTraining training;
    try {
      training = SpecSource.load(spec);
    } catch (SpecException e) {
      return fail(which, e.getMessage());
    }
    RunLayout layout = new RunLayout(output);
    if (training.getSpec().sweep != null && which != Stage.PRETRAIN) {
      if (point == null) {
        return fail(
            which,
            "--point: required for the "
                + which
                + " stage of a sweep; its points: "
                + SweepPoints.expand(training).stream()
                    .map(p -> p.id() + " (" + p.label() + ")")
                    .toList());
      }
      SweepPoint selected;
      try {
        selected = SweepPoints.point(training, point);
      } catch (IllegalArgumentException e) {
        return fail(which, "--point: " + e.getMessage());
      }
      training = selected.training();
      layout = layout.forPoint(selected);
    } else if (point != null) {
      return fail(
          which,
          "--point: "
              + (training.getSpec().sweep == null
                  ? training.getMetadata().getName() + " is not a sweep (no spec.sweep)"
                  : "pretrain is shared by every point of a sweep; run it without" + " --point"));
    }
    String outputProblem = OutputDirectory.problem(layout.stagesRoot());
    if (outputProblem != null) {
      return fail(which, outputProblem);
    }
    try {
      threadsOption.configure();
    } catch (IllegalArgumentException e) {
      return fail(which, e.getMessage());
    }
    String gpuProblem =
        ExpectedGpus.problem(
            System.getenv(ExpectedGpus.ENVIRONMENT_VARIABLE),
            Engine.getInstance().getGpuCount(),
            which);
    if (gpuProblem != null) {
      return fail(which, gpuProblem);
    }
    StageResult result;
    try (NDManager manager = NDManager.newBaseManager()) {
      StageContext context =
          new StageContext(
              training, layout, manager, progressOption.listener(training.getMetadata().getName()));
      result = StageExecutor.run(which, context);
    }
    writeTerminationMessage(result);
    if (result.status == StageStatus.FAILED) {
      System.err.println(which + " failed: " + result.message);
      return ExitCodes.FAILED;
    }
    System.out.println(
        which
            + " "
            + result.status
            + " in "
            + result.seconds
            + " s: "
            + layout.stageResult(which).toAbsolutePath());
    return 0;
  }

  private int fail(Stage which, String message) {
    System.err.println(message);
    StageResult result = new StageResult();
    result.stage = which;
    result.status = StageStatus.FAILED;
    result.message = message;
    result.startedAt = Instant.now().toString();
    result.finishedAt = result.startedAt;
    writeTerminationMessage(result);
    return ExitCodes.INVALID_SPEC;
  }

  private void writeTerminationMessage(StageResult result) {
    if (terminationMessage == null) {
      return;
    }
    // Written in place: the kubelet's termination-log file cannot be replaced by a rename.
    try {
      Files.writeString(terminationMessage, TerminationMessage.of(result).toJson());
    } catch (IOException e) {
      System.err.println(
          "cannot write the termination message to " + terminationMessage + ": " + e.getMessage());
    }
  }
}
