package dev.arrest.trainer.stage;

import ai.djl.ndarray.NDArray;
import dev.arrest.api.v1alpha1.Architecture;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.OptimizerSpec;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.engine.Outputs;
import dev.arrest.trainer.eval.AttackPlans;
import dev.arrest.trainer.model.Models;
import dev.arrest.trainer.optim.LearningRateSchedule;

/**
 * Builds what the stages build from a spec before their first batch, without an engine or data: the
 * model's blocks, the finetuning objective with its PGD attack and weight perturbation, both
 * learning-rate schedules and the evaluation attacks. A spec the validator accepts must get through
 * this.
 */
public final class StageObjects {
  /**
   * Block construction is cheap, but a wide-resnet's grows with depth x widenFactor; past this the
   * fuzz test leaves the model out (its hyperparameters are still validated).
   */
  private static final long MAX_WIDE_RESNET_SIZE = 40 * 20;

  private StageObjects() {}

  /** The model's blocks (no parameters are allocated before initialization). */
  public static void buildModel(ArrestTrainingSpec spec) {
    DatasetKind kind = TrainingData.kind(spec);
    if (spec.model.architecture != Architecture.WIDE_RESNET
        || (long) spec.model.depth * spec.model.widenFactor <= MAX_WIDE_RESNET_SIZE) {
      Models.builder()
          .setArchitecture(spec.model.architecture.toString())
          .fitDataset(kind)
          .optDepth(spec.model.depth)
          .optWidenFactor(spec.model.widenFactor)
          .build();
    }
  }

  /**
   * The finetuning objective with its PGD attack and weight perturbation, the schedules and the
   * evaluation attacks.
   */
  public static void buildBeforeTraining(ArrestTrainingSpec spec) {
    DatasetKind kind = TrainingData.kind(spec);
    Finetuning.objective(spec.finetuning, new UnusedTeacher());
    Finetuning.weightPerturbation(spec.finetuning);
    checkSchedule(spec.pretraining.optimizer, spec.pretraining.epochs);
    checkSchedule(spec.finetuning.optimizer, spec.finetuning.epochs);
    double defaultEpsilon =
        spec.evaluation.epsilon != null ? spec.evaluation.epsilon : spec.finetuning.attack.epsilon;
    AttackPlans.from(
        spec.evaluation.attacks,
        defaultEpsilon,
        spec.evaluation.norm,
        kind.numClasses(),
        spec.evaluation.seed != null ? spec.evaluation.seed : spec.seed);
  }

  private static void checkSchedule(OptimizerSpec optimizer, int epochs) {
    LearningRateSchedule schedule = new LearningRateSchedule(optimizer, epochs, 7);
    for (long step = 0; step <= 7L * epochs; step += Math.max(1, epochs)) {
      double rate = schedule.at(step);
      if (!Double.isFinite(rate) || rate < 0) {
        throw new IllegalStateException("learning rate " + rate + " at step " + step);
      }
    }
  }

  /** Stands in for the pretrained model; nothing here runs it. */
  private static final class UnusedTeacher implements Classifier {
    @Override
    public Outputs forward(NDArray images, boolean training) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setFrozen(boolean frozen) {}

    @Override
    public int numClasses() {
      return 10;
    }

    @Override
    public void close() {}
  }
}
