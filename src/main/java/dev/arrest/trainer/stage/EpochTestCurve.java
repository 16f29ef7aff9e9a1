package dev.arrest.trainer.stage;

import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.AttackType;
import dev.arrest.api.v1alpha1.EpochEvaluationSpec;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.EvaluationSpec;
import dev.arrest.results.EpochTest;
import dev.arrest.results.EvaluationResult;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.eval.RobustnessEvaluator;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.train.EpochEvaluator;
import java.util.List;

/**
 * spec.evaluation.everyEpoch: clean and PGD accuracy on a fixed, seeded class-stratified sample of
 * the test set after every training epoch, with the evaluation's budget, norm and seed. The same
 * images and attack seed every epoch, so that the curve moves only with the model.
 */
final class EpochTestCurve implements EpochEvaluator {
  private final ImageDataset images;
  private final EvaluationSpec evaluation;
  private final List<EvaluationAttackSpec> attacks;
  private final double epsilon;
  private final long seed;
  private final String attackName;

  private EpochTestCurve(ArrestTrainingSpec spec, ImageDataset images) {
    EpochEvaluationSpec everyEpoch = spec.evaluation.everyEpoch;
    this.images = images;
    this.evaluation = spec.evaluation;
    this.epsilon = evaluation.epsilon != null ? evaluation.epsilon : spec.finetuning.attack.epsilon;
    this.seed = evaluation.seed != null ? evaluation.seed : spec.seed;
    if (everyEpoch.pgdSteps == 0) {
      this.attacks = List.of();
      this.attackName = null;
    } else {
      EvaluationAttackSpec pgd = new EvaluationAttackSpec();
      pgd.type = AttackType.PGD;
      pgd.steps = everyEpoch.pgdSteps;
      this.attacks = List.of(pgd);
      this.attackName = "pgd-" + everyEpoch.pgdSteps;
    }
  }

  /** The curve the spec asks for, or null when spec.evaluation.everyEpoch is not set. */
  static EpochTestCurve of(ArrestTrainingSpec spec) {
    EpochEvaluationSpec everyEpoch = spec.evaluation.everyEpoch;
    if (everyEpoch == null) {
      return null;
    }
    ImageDataset test = TrainingData.kind(spec).load(TrainingData.path(spec), false);
    if (everyEpoch.samples < test.size()) {
      test = test.stratifiedSubset(everyEpoch.samples, spec.evaluation.effectiveSubsetSeed());
    }
    return new EpochTestCurve(spec, test);
  }

  @Override
  public EpochTest evaluate(TrainableClassifier network) {
    long start = System.nanoTime();
    EvaluationResult result =
        new RobustnessEvaluator(network, images, evaluation.batchSize, seed, ProgressListener.NONE)
            .evaluate(attacks, epsilon, evaluation.norm)
            .result();
    return new EpochTest(
        result.samples(),
        result.standardAccuracy(),
        attackName == null ? null : result.robustAccuracy(),
        attackName,
        (System.nanoTime() - start) / 1e9);
  }
}
