package dev.arrest.operator.testing;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the trainer's {@code stage} command, for the fast operator loop test: same arguments, same
 * {@code ARREST_TRAINING} document, same files and termination message, but no training. It checks what the operator
 * must get right (the document parses and validates, the previous stage's model is on the volume under the output
 * directory) and fails like the trainer would (exit 1, a Failed termination message) when it is not. Its accuracies
 * are the fixed {@link #STANDARD_ACCURACY} and {@link #ROBUST_ACCURACY}, which the tests expect back in status and
 * metrics.
 */
public final class StandInTrainer {
  public static final double STANDARD_ACCURACY = 0.8125;
  public static final double ROBUST_ACCURACY = 0.4375;

  private StandInTrainer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !"stage".equals(args[0])) {
      throw new IllegalArgumentException("usage: stage <pretrain|finetune|evaluate> --output <dir>"
          + " --termination-message-path <file>");
    }
    Stage stage = Stage.parse(args[1]);
    Path output = Path.of(option(args, "--output"));
    Path terminationPath = Path.of(option(args, "--termination-message-path"));
    StageResult result = new StageResult();
    result.stage = stage;
    result.startedAt = Instant.now().toString();
    try {
      ArrestTraining training = ArrestTrainingDocuments.parse(System.getenv("ARREST_TRAINING"), "ARREST_TRAINING");
      result.name = training.getMetadata().getName();
      run(training, stage, output, result);
      result.status = StageStatus.SUCCEEDED;
    } catch (Exception e) {
      result.status = StageStatus.FAILED;
      result.message = e.getMessage();
    }
    result.finishedAt = Instant.now().toString();
    result.seconds = 0.5;
    ResultsJson.write(output.resolve(stage.toString()).resolve("stage-result.json"), result);
    Files.writeString(terminationPath, TerminationMessage.of(result).toJson());
    System.exit(result.status == StageStatus.SUCCEEDED ? 0 : 1);
  }

  private static void run(ArrestTraining training, Stage stage, Path output, StageResult result) throws Exception {
    Path stageDir = output.resolve(stage.toString());
    Files.createDirectories(stageDir);
    switch (stage) {
      case PRETRAIN -> train(training, stage, training.getSpec().pretraining.epochs, stageDir, result);
      case FINETUNE -> {
        boolean fromPretrained = training.getSpec().pretraining.checkpoint == null
            && training.getSpec().finetuning.effectiveInitialization().toString().equals("pretrained");
        requireFile(output.resolve("pretrain/model.params"), fromPretrained);
        train(training, stage, training.getSpec().finetuning.epochs, stageDir, result);
      }
      case EVALUATE -> {
        requireFile(output.resolve("finetune/model.params"), true);
        List<AttackResult> attacks = new ArrayList<>();
        for (EvaluationAttackSpec attack : training.getSpec().evaluation.attacks) {
          attacks.add(new AttackResult(attack.displayName(), attack.type.toString(), "linf",
              training.getSpec().finetuning.attack.epsilon, attack.steps, null, attack.restarts, ROBUST_ACCURACY, 0.1));
        }
        int samples = training.getSpec().evaluation.samples == null ? 10000 : training.getSpec().evaluation.samples;
        result.evaluation = new EvaluationResult(samples, STANDARD_ACCURACY, ROBUST_ACCURACY, attacks, null);
        System.out.println(new ProgressEvent(result.name, stage, 0, 0, 1, 1, 1.0, null, null, null,
            STANDARD_ACCURACY, null, 0.0).toLine());
      }
    }
  }

  private static void train(ArrestTraining training, Stage stage, int epochs, Path stageDir, StageResult result)
      throws Exception {
    for (int epoch = 1; epoch <= epochs; epoch++) {
      double loss = 2.0 / epoch;
      System.out.println("epoch " + epoch + " of " + epochs);
      System.out.println(new ProgressEvent(result.name, stage, epoch, epochs, 10, 10, (double) epoch / epochs,
          loss, null, stage == Stage.FINETUNE ? 0.1 : null, 0.5, 1000.0, 0.0).toLine());
      result.epochs.add(new EpochMetrics(epoch, 0.1, loss, loss, null, null,
          stage == Stage.FINETUNE ? 0.1 : null, 0.5, null, 100, 0.1, 1000.0));
      // Lets a test watch a stage while it runs: -Dstandin.epochMillis=N makes each epoch take N ms.
      Thread.sleep(Long.getLong("standin.epochMillis", 0));
    }
    Files.writeString(stageDir.resolve("model.params"), "stand-in model of " + training.getMetadata().getName());
    result.artifacts.put("model", stage + "/model.params");
  }

  private static void requireFile(Path file, boolean required) {
    if (required && !Files.isRegularFile(file)) {
      throw new IllegalStateException("previous stage's model not found: " + file);
    }
  }

  private static String option(String[] args, String name) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    throw new IllegalArgumentException("missing " + name);
  }
}
