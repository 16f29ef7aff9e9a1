package dev.arrest.trainer.stage;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.EvaluationSpec;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.tradeoff.TradeoffCurve;
import dev.arrest.tradeoff.TradeoffReferences;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.eval.AdversarialExamplesFile;
import dev.arrest.trainer.eval.EvaluationOutcome;
import dev.arrest.trainer.eval.RobustnessEvaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Clean and robust accuracy of the finetuned model, or of a TorchScript classifier the spec names;
 * writes the worst-case adversarial examples next to the stage result.
 */
final class Evaluation {
  private Evaluation() {}

  static void run(StageContext context, StageResult result) {
    ArrestTrainingSpec spec = context.spec();
    EvaluationSpec evaluation = spec.evaluation;
    TrainingData.TestImages testImages = TrainingData.testImages(spec);
    ImageDataset test = testImages.images();
    double epsilon =
        evaluation.epsilon != null ? evaluation.epsilon : spec.finetuning.attack.epsilon;
    long seed = evaluation.seed != null ? evaluation.seed : spec.seed;
    try (Classifier model = open(context, result)) {
      context
          .progress()
          .info(
              String.format(
                  "evaluate: %d test examples (%s), attacks %s, %s epsilon %.4g, seed %d",
                  test.size(),
                  testImages.subset().describe(test.size()),
                  evaluation.attacks.stream().map(a -> a.displayName()).toList(),
                  evaluation.norm,
                  epsilon,
                  seed));
      EvaluationOutcome outcome =
          new RobustnessEvaluator(model, test, evaluation.batchSize, seed, context.progress())
              .evaluate(evaluation.attacks, epsilon, evaluation.norm);
      EvaluationResult measured = outcome.result().withSubset(testImages.subset());
      if (evaluation.tradeoff != null) {
        TradeoffCurve curve = TradeoffReferences.curve(evaluation.tradeoff);
        measured =
            measured.withTradeoff(
                curve.score(100 * measured.standardAccuracy(), 100 * measured.robustAccuracy()));
      }
      result.evaluation = measured;
      Path examples =
          context
              .layout()
              .stageDirectory(Stage.EVALUATE)
              .resolve(AdversarialExamplesFile.FILE_NAME);
      AdversarialExamplesFile.write(outcome.adversarialExamples(), outcome.attackNames(), examples);
      result.artifacts.put("adversarialExamples", context.layout().relative(examples));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the adversarial examples", e);
    }
    result.status = StageStatus.SUCCEEDED;
  }

  /** The model to evaluate, recorded in the artifacts; closing it frees its native memory. */
  private static Classifier open(StageContext context, StageResult result) {
    ArrestTrainingSpec spec = context.spec();
    Path file;
    Classifier model;
    if (spec.evaluation.torchScriptModel != null) {
      file = Path.of(spec.evaluation.torchScriptModel);
      model =
          Networks.torchScriptOnAllDevices(
              spec, context.manager(), file, false, "spec.evaluation.torchScriptModel", null);
    } else if (Networks.finetunesTorchScript(spec)) {
      // Finetuning wrote the user's module back as TorchScript.
      file = context.layout().stageDirectory(Stage.FINETUNE).resolve("model.pt");
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException(
            "finetuned model (run the finetune stage first): TorchScript model "
                + file.toAbsolutePath()
                + " does not exist");
      }
      model =
          Networks.torchScriptOnAllDevices(
              spec, context.manager(), file, false, "finetuned model", null);
    } else {
      file = context.layout().model(Stage.FINETUNE);
      model =
          Networks.onAllDevices(
              Networks.load(
                  spec, context.manager(), file, "finetuned model (run the finetune stage first)"));
    }
    result.artifacts.put("model", context.layout().relative(file));
    return model;
  }
}
