package dev.arrest.trainer.stage;

import ai.djl.engine.Engine;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.AttackSpec;
import dev.arrest.api.v1alpha1.AwpSpec;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.FinetuningSpec;
import dev.arrest.api.v1alpha1.Initialization;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.train.AdversarialObjective;
import dev.arrest.trainer.train.AdversarialWeightPerturbation;
import dev.arrest.trainer.train.TradesObjective;
import dev.arrest.trainer.train.TrainingObjective;
import java.nio.file.Path;

/**
 * Adversarial finetuning with the spec's method; the pretrained model is both the start point and
 * the teacher.
 */
final class Finetuning {
  private Finetuning() {}

  static void run(StageContext context, StageResult result) {
    ArrestTrainingSpec spec = context.spec();
    FinetuningSpec finetuning = spec.finetuning;
    boolean fromPretrained = finetuning.effectiveInitialization() == Initialization.PRETRAINED;
    boolean needsTeacher =
        finetuning.method == FinetuningMethod.ARREST
            && (finetuning.rgkd.enabled || finetuning.noisyReplay.enabled);
    Path pretrained = pretrainedModel(context);
    Engine.getInstance().setRandomSeed((int) ((spec.seed + 1) & 0x7fffffff));
    DataLoader data = TrainingData.trainLoader(spec, finetuning.batchSize);
    try (TrainableClassifier student =
            fromPretrained
                ? pretrainedModel(context, pretrained, true, needsTeacher)
                : Networks.onAllDevices(Networks.create(spec, context.manager()));
        Classifier teacher =
            needsTeacher ? pretrainedModel(context, pretrained, false, true) : null) {
      if (teacher != null) {
        teacher.setFrozen(true);
      }
      if (fromPretrained) {
        result.artifacts.put("pretrainedModel", context.layout().relative(pretrained));
      }
      TrainingStage.train(
          context,
          Stage.FINETUNE,
          student,
          objective(finetuning, teacher),
          weightPerturbation(finetuning),
          data,
          finetuning.epochs,
          finetuning.optimizer,
          Fingerprint.of(
              spec.seed,
              spec.dataset,
              spec.model,
              finetuning,
              fromPretrained ? pretrained : "scratch"),
          result);
    }
    result.status = StageStatus.SUCCEEDED;
  }

  /**
   * The pretrained model as the student (trainable) or the teacher: this trainer's model file, or
   * the user's TorchScript module.
   *
   * @param needsFeatures whether RGKD and noisy replay will compare its representation with the
   *     other model's, so a TorchScript module must expose it
   */
  private static TrainableClassifier pretrainedModel(
      StageContext context, Path file, boolean trainable, boolean needsFeatures) {
    ArrestTrainingSpec spec = context.spec();
    if (Networks.finetunesTorchScript(spec)) {
      return Networks.loadTorchScript(
          spec,
          context.manager(),
          trainable,
          needsFeatures ? "arrest (RGKD and noisy replay)" : null);
    }
    return Networks.onAllDevices(
        Networks.load(spec, context.manager(), file, pretrainedField(spec)));
  }

  static TrainingObjective objective(FinetuningSpec spec, Classifier teacher) {
    AttackSpec attack = spec.attack;
    return switch (spec.method) {
      case TRADES ->
          new TradesObjective(
              new PgdAttack(
                  attack.epsilon,
                  attack.effectiveStepSize(),
                  attack.steps,
                  PgdAttack.Start.SMALL_GAUSSIAN),
              spec.tradesBeta);
      case AT, AFT -> new AdversarialObjective(pgd(attack), null, null, null);
      case ARREST ->
          new AdversarialObjective(
              pgd(attack),
              teacher,
              spec.rgkd.enabled
                  ? new AdversarialObjective.Rgkd(spec.rgkd.weight, spec.rgkd.distance)
                  : null,
              spec.noisyReplay.enabled ? spec.noisyReplay.thresholdDegrees : null);
    };
  }

  /**
   * The spec's AWP, or null for none. It perturbs the weights for whatever the method's objective
   * minimizes: CE on the adversarial examples (at, aft), TRADES' CE + beta * KL, ARREST's CE +
   * lambda * RGKD on its training inputs.
   */
  static AdversarialWeightPerturbation weightPerturbation(FinetuningSpec spec) {
    AwpSpec awp = spec.awp;
    return awp == null
        ? null
        : new AdversarialWeightPerturbation(awp.gamma, awp.warmupEpochs, awp.steps);
  }

  private static PgdAttack pgd(AttackSpec attack) {
    return new PgdAttack(
        attack.epsilon,
        attack.effectiveStepSize(),
        attack.steps,
        attack.randomStart ? PgdAttack.Start.UNIFORM : PgdAttack.Start.CLEAN);
  }

  /** The imported model when the spec names one, else the pretrain stage's model. */
  private static Path pretrainedModel(StageContext context) {
    String imported = context.spec().pretraining.importedModel();
    return imported != null ? Path.of(imported) : context.layout().model(Stage.PRETRAIN);
  }

  private static String pretrainedField(ArrestTrainingSpec spec) {
    return spec.pretraining.importedModel() != null
        ? spec.pretraining.importedModelField()
        : "pretrained model (run the pretrain stage first)";
  }
}
