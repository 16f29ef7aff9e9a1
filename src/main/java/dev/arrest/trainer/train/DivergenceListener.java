package dev.arrest.trainer.train;

import dev.arrest.results.Stage;

/**
 * Stops training before the update of a batch whose loss is not finite, naming the learning rate to
 * lower.
 */
public final class DivergenceListener implements TrainingListener {

  @Override
  public void onTrainingBatch(TrainingRun run, BatchEvent batch) {
    double loss = batch.step().lossSum();
    if (!Double.isFinite(loss)) {
      throw new IllegalStateException(
          run.stage()
              + " loss became "
              + loss
              + " at epoch "
              + batch.epoch()
              + ", batch "
              + batch.batch()
              + "; lower the learning rate (spec."
              + stageField(run.stage())
              + ".optimizer.learningRate)");
    }
  }

  private static String stageField(Stage stage) {
    return stage == Stage.PRETRAIN ? "pretraining" : "finetuning";
  }
}
