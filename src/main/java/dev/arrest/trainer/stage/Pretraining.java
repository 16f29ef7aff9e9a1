package dev.arrest.trainer.stage;

import ai.djl.engine.Engine;
import dev.arrest.api.spec.SweepPoints;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.results.StageStatus;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.train.CleanObjective;

/**
 * Standard training on clean examples, unless the spec imports a pretrained model or no finetuning
 * needs one (of a sweep, it runs once for all points).
 */
final class Pretraining {
  private Pretraining() {}

  static void run(StageContext context, StageResult result) {
    ArrestTrainingSpec spec = context.spec();
    String imported = spec.pretraining.importedModel();
    if (imported != null) {
      result.status = StageStatus.SKIPPED;
      result.message =
          spec.pretraining.importedModelField() + " is set: finetuning starts from " + imported;
      result.artifacts.put("model", imported);
      return;
    }
    if (!SweepPoints.needsPretrainedModel(context.training())) {
      result.status = StageStatus.SKIPPED;
      result.message =
          spec.sweep == null
              ? spec.finetuning.method
                  + " trains from scratch (spec.finetuning.initialization), so no pretrained model"
                  + " is needed"
              : "every point of the sweep trains from scratch (spec.finetuning.initialization), so"
                  + " no pretrained model is needed";
      return;
    }
    Engine.getInstance().setRandomSeed((int) (spec.seed & 0x7fffffff));
    DataLoader data = TrainingData.trainLoader(spec, spec.pretraining.batchSize);
    try (TrainableClassifier network =
        Networks.onAllDevices(Networks.create(spec, context.manager()))) {
      TrainingStage.train(
          context,
          Stage.PRETRAIN,
          network,
          new CleanObjective(),
          null,
          data,
          spec.pretraining.epochs,
          spec.pretraining.optimizer,
          Fingerprint.of(spec.seed, spec.dataset, spec.model, spec.pretraining),
          result);
    }
    result.status = StageStatus.SUCCEEDED;
  }
}
