package dev.arrest.trainer.stage;

import dev.arrest.api.v1alpha1.OptimizerSpec;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import dev.arrest.results.StageResult;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.optim.LearningRateSchedule;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.train.AdversarialWeightPerturbation;
import dev.arrest.trainer.train.EpochHistoryRecorder;
import dev.arrest.trainer.train.TrainingLoop;
import dev.arrest.trainer.train.TrainingObjective;
import java.nio.file.Path;
import java.util.List;

/**
 * The part pretraining and finetuning share: train a network with an objective (and, when
 * finetuning, optional adversarial weight perturbation), then write its model and logs. The
 * result's epochs follow the training, so that a stage that fails keeps those it completed.
 */
final class TrainingStage {
  private TrainingStage() {}

  static void train(
      StageContext context,
      Stage stage,
      TrainableClassifier network,
      TrainingObjective objective,
      AdversarialWeightPerturbation awp,
      DataLoader data,
      int epochs,
      OptimizerSpec optimizerSpec,
      String fingerprint,
      StageResult result) {
    SgdOptimizer optimizer =
        new SgdOptimizer(
            network::parameters,
            optimizerSpec.momentum,
            optimizerSpec.weightDecay,
            optimizerSpec.nesterov,
            network.manager());
    LearningRateSchedule schedule =
        new LearningRateSchedule(optimizerSpec, epochs, data.batchesPerEpoch());
    RunLayout layout = context.layout();
    context
        .progress()
        .info(
            String.format(
                "%s: %d epochs of %d batches (%d examples), %s",
                stage,
                epochs,
                data.batchesPerEpoch(),
                data.dataset().size(),
                network.description()));
    List<EpochMetrics> history =
        TrainingLoop.builder()
            .setStage(stage)
            .setNetwork(network)
            .setOptimizer(optimizer)
            .setSchedule(schedule)
            .setObjective(objective)
            .optWeightPerturbation(awp)
            .optEpochEvaluation(EpochTestCurve.of(context.spec()))
            .setData(data)
            .setEpochs(epochs)
            .optSeed(context.spec().seed)
            .optCheckpoints(layout.checkpoints(stage), fingerprint, context.progress())
            .optProgress(context.progress())
            // After the checkpoints' listener, which restores the epochs of a resumed run.
            .addTrainingListeners(new EpochHistoryRecorder(result.epochs))
            .build()
            .run();
    Path model = layout.stageDirectory(stage).resolve(network.modelFileName());
    Networks.save(network, model);
    EpochLog.write(layout.epochLog(stage), history);
    result.artifacts.put("model", layout.relative(model));
    result.artifacts.put("epochLog", layout.relative(layout.epochLog(stage)));
  }
}
