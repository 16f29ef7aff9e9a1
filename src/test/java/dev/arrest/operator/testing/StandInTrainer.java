package dev.arrest.operator.testing;

import dev.arrest.api.spec.ArrestTrainingDocuments;
import dev.arrest.api.spec.SweepPoint;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.ProgressEvent;
import dev.arrest.results.ResultsJson;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.results.TerminationMessage;
import dev.arrest.tradeoff.TradeoffReferences;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the trainer's {@code stage} command, for the fast operator loop test: same
 * arguments, same {@code ARREST_TRAINING} document, same files and termination message, but no
 * training. It checks what the operator must get right (the document parses and validates, the
 * previous stage's model is on the volume under the output directory) and fails like the trainer
 * would (exit 1, a Failed termination message) when it is not. Its accuracies are the fixed {@link
 * #STANDARD_ACCURACY} and {@link #ROBUST_ACCURACY}, which the tests expect back in status and
 * metrics; a sweep point's are {@link #standardAccuracy(int)} and {@link #robustAccuracy(int)},
 * which trace a tradeoff. Like {@code arrest stage}, a sweep's finetune and evaluate stages need
 * {@code --point} and write under the point's directory; a tradeoff reference in the spec gives the
 * evaluation its score.
 */
public final class StandInTrainer {
  public static final double STANDARD_ACCURACY = 0.8125;
  public static final double ROBUST_ACCURACY = 0.4375;

  private StandInTrainer() {}

  /** Clean accuracy of sweep point {@code id}: lower for higher ids. */
  public static double standardAccuracy(int id) {
    return STANDARD_ACCURACY - 0.0625 * id;
  }

  /**
   * Robust accuracy of sweep point {@code id}: higher for higher ids, so the points trace a
   * tradeoff.
   */
  public static double robustAccuracy(int id) {
    return ROBUST_ACCURACY + 0.03125 * id;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !"stage".equals(args[0])) {
      throw new IllegalArgumentException(
          "usage: stage <pretrain|finetune|evaluate> --output <dir>"
              + " --termination-message-path <file>");
    }
    Stage stage = Stage.parse(args[1]);
    Path output = Path.of(option(args, "--output"));
    Path terminationPath = Path.of(option(args, "--termination-message-path"));
    StageResult result = new StageResult();
    result.stage = stage;
    result.startedAt = Instant.now().toString();
    // Where the finetune and evaluate stages go: the output directory, or a sweep point's directory
    // under it.
    Path stagesRoot = output;
    try {
      ArrestTraining training =
          ArrestTrainingDocuments.parse(System.getenv("ARREST_TRAINING"), "ARREST_TRAINING");
      result.name = training.getMetadata().getName();
      Integer pointId =
          optionalOption(args, "--point") == null
              ? null
              : Integer.valueOf(optionalOption(args, "--point"));
      SweepPoint point = selectPoint(training, stage, pointId);
      stagesRoot = point == null ? output : output.resolve("points").resolve(point.directoryName());
      run(point == null ? training : point.training(), point, stage, output, stagesRoot, result);
      result.status = StageStatus.SUCCEEDED;
    } catch (Exception e) {
      result.status = StageStatus.FAILED;
      result.message = e.getMessage();
    }
    result.finishedAt = Instant.now().toString();
    result.seconds = 0.5;
    ResultsJson.write(stagesRoot.resolve(stage.toString()).resolve("stage-result.json"), result);
    Files.writeString(terminationPath, TerminationMessage.of(result).toJson());
    System.exit(result.status == StageStatus.SUCCEEDED ? 0 : 1);
  }

  /**
   * The point {@code --point} selects, with the CLI's rules: required for a sweep's own stages,
   * else rejected.
   */
  private static SweepPoint selectPoint(ArrestTraining training, Stage stage, Integer pointId) {
    boolean perPoint = training.getSpec().sweep != null && stage != Stage.PRETRAIN;
    if (perPoint != (pointId != null)) {
      throw new IllegalArgumentException(
          "--point: "
              + (perPoint
                  ? "required for the " + stage + " stage of a sweep"
                  : "only for a sweep's finetune and evaluate stages"));
    }
    return perPoint ? SweepPoints.point(training, pointId) : null;
  }

  private static void run(
      ArrestTraining training,
      SweepPoint point,
      Stage stage,
      Path output,
      Path stagesRoot,
      StageResult result)
      throws Exception {
    Path stageDir = (stage == Stage.PRETRAIN ? output : stagesRoot).resolve(stage.toString());
    Files.createDirectories(stageDir);
    switch (stage) {
      case PRETRAIN ->
          train(training, stage, training.getSpec().pretraining.epochs, output, stageDir, result);
      case FINETUNE -> {
        boolean fromPretrained =
            training.getSpec().pretraining.checkpoint == null
                && training
                    .getSpec()
                    .finetuning
                    .effectiveInitialization()
                    .toString()
                    .equals("pretrained");
        requireFile(output.resolve("pretrain/model.params"), fromPretrained);
        train(training, stage, training.getSpec().finetuning.epochs, output, stageDir, result);
      }
      case EVALUATE -> {
        requireFile(stagesRoot.resolve("finetune/model.params"), true);
        double standard = point == null ? STANDARD_ACCURACY : standardAccuracy(point.id());
        double robust = point == null ? ROBUST_ACCURACY : robustAccuracy(point.id());
        List<AttackResult> attacks = new ArrayList<>();
        for (EvaluationAttackSpec attack : training.getSpec().evaluation.attacks) {
          attacks.add(
              new AttackResult(
                  attack.displayName(),
                  attack.type.toString(),
                  "linf",
                  training.getSpec().finetuning.attack.epsilon,
                  attack.steps,
                  null,
                  attack.restarts,
                  robust,
                  0.1));
        }
        int samples =
            training.getSpec().evaluation.samples == null
                ? 10000
                : training.getSpec().evaluation.samples;
        TradeoffSpec tradeoff = training.getSpec().evaluation.tradeoff;
        result.evaluation =
            new EvaluationResult(
                samples,
                standard,
                robust,
                attacks,
                null,
                tradeoff == null
                    ? null
                    : TradeoffReferences.curve(tradeoff).score(100 * standard, 100 * robust));
        System.out.println(
            new ProgressEvent(
                    result.name, stage, 0, 0, 1, 1, 1.0, null, null, null, standard, null, 0.0)
                .toLine());
      }
    }
  }

  private static void train(
      ArrestTraining training,
      Stage stage,
      int epochs,
      Path output,
      Path stageDir,
      StageResult result)
      throws Exception {
    for (int epoch = 1; epoch <= epochs; epoch++) {
      double loss = 2.0 / epoch;
      System.out.println("epoch " + epoch + " of " + epochs);
      System.out.println(
          new ProgressEvent(
                  result.name,
                  stage,
                  epoch,
                  epochs,
                  10,
                  10,
                  (double) epoch / epochs,
                  loss,
                  null,
                  stage == Stage.FINETUNE ? 0.1 : null,
                  0.5,
                  1000.0,
                  0.0)
              .toLine());
      result.epochs.add(
          new EpochMetrics(
              epoch,
              0.1,
              loss,
              loss,
              null,
              null,
              stage == Stage.FINETUNE ? 0.1 : null,
              0.5,
              null,
              100,
              0.1,
              1000.0));
      // Lets a test watch a stage while it runs: -Dstandin.epochMillis=N makes each epoch take N
      // ms.
      Thread.sleep(Long.getLong("standin.epochMillis", 0));
    }
    Files.writeString(
        stageDir.resolve("model.params"), "stand-in model of " + training.getMetadata().getName());
    result.artifacts.put("model", output.relativize(stageDir.resolve("model.params")).toString());
  }

  private static void requireFile(Path file, boolean required) {
    if (required && !Files.isRegularFile(file)) {
      throw new IllegalStateException("previous stage's model not found: " + file);
    }
  }

  private static String option(String[] args, String name) {
    String value = optionalOption(args, name);
    if (value == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return value;
  }

  private static String optionalOption(String[] args, String name) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return null;
  }
}
