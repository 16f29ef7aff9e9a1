package dev.arrest.trainer.stage;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.eval.RobustnessEvaluator;
import dev.arrest.tradeoff.TradeoffCurve;
import dev.arrest.tradeoff.TradeoffReferences;

/** Clean and robust accuracy of the finetuned model. */
final class Evaluation {
  private Evaluation() {}

  static void run(StageContext context, StageResult result) {
    ArrestTrainingSpec spec = context.spec();
    DataLoader test = TrainingData.testLoader(spec);
    double epsilon = spec.evaluation.epsilon != null ? spec.evaluation.epsilon : spec.finetuning.attack.epsilon;
    try (Network network = Networks.load(spec, context.manager(), context.layout().model(Stage.FINETUNE),
        "finetuned model (run the finetune stage first)")) {
      context.progress().info(String.format("evaluate: %d test examples, attacks %s, epsilon %.4g",
          test.dataset().size(), spec.evaluation.attacks.stream().map(a -> a.displayName()).toList(), epsilon));
      EvaluationResult evaluation = new RobustnessEvaluator(network, test, spec.seed, context.progress())
          .evaluate(spec.evaluation.attacks, epsilon);
      if (spec.evaluation.tradeoff != null) {
        TradeoffCurve curve = TradeoffReferences.curve(spec.evaluation.tradeoff);
        evaluation = evaluation.withTradeoff(curve.score(100 * evaluation.standardAccuracy(),
            100 * evaluation.robustAccuracy()));
      }
      result.evaluation = evaluation;
      result.artifacts.put("model", context.layout().relative(context.layout().model(Stage.FINETUNE)));
    }
    result.status = StageStatus.SUCCEEDED;
  }
}
