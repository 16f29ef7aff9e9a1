package dev.arrest.cli;

import dev.arrest.results.AttackResult;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.ExampleOutcomes;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.TestSubset;
import java.util.List;

/** Evaluate stages with per-example outcomes, for the tests of `arrest compare`. */
final class EvaluatedStages {
  private EvaluatedStages() {}

  /**
   * A PGD-20 evaluation whose first images are the ones the model gets right, so any two such
   * evaluations' outcomes are nested.
   */
  static EvaluationResult evaluation(
      int samples, TestSubset subset, double standard, double robust) {
    AttackResult pgd = new AttackResult("pgd-20", "pgd", "linf", 0.1, 20, 0.0125, 1, robust, 1.0);
    boolean[] clean = new boolean[samples];
    boolean[] robustCorrect = new boolean[samples];
    for (int i = 0; i < samples; i++) {
      clean[i] = i < Math.round(standard * samples);
      robustCorrect[i] = i < Math.round(robust * samples);
    }
    return new EvaluationResult(samples, standard, robust, List.of(pgd), List.of())
        .withSubset(subset)
        .withExamples(ExampleOutcomes.of(clean, robustCorrect));
  }

  static StageResult evaluate(EvaluationResult evaluation) {
    StageResult evaluate = new StageResult();
    evaluate.stage = Stage.EVALUATE;
    evaluate.evaluation = evaluation;
    return evaluate;
  }
}
