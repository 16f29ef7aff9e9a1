package dev.arrest.trainer.train;

import ai.djl.engine.Engine;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.data.ImageBatch;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.optim.LearningRateSchedule;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.progress.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the epochs of a training stage: batches through a {@link TrainingObjective}, SGD updates on
 * a schedule, a checkpoint after every epoch, and resumption from the newest checkpoint of an
 * interrupted run.
 */
public final class TrainingLoop {
  private final Stage stage;
  private final TrainableClassifier network;
  private final SgdOptimizer optimizer;
  private final LearningRateSchedule schedule;
  private final TrainingObjective objective;
  private final DataLoader data;
  private final int epochs;
  private final long seed;
  private final CheckpointStore checkpoints;
  private final String fingerprint;
  private final ProgressListener progress;

  /**
   * @param fingerprint identifies the configuration this stage trains with; a checkpoint written
   *     under another fingerprint is refused instead of silently resumed
   */
  public TrainingLoop(
      Stage stage,
      TrainableClassifier network,
      SgdOptimizer optimizer,
      LearningRateSchedule schedule,
      TrainingObjective objective,
      DataLoader data,
      int epochs,
      long seed,
      Path checkpointDirectory,
      String fingerprint,
      ProgressListener progress) {
    this.stage = stage;
    this.network = network;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.objective = objective;
    this.data = data;
    this.epochs = epochs;
    this.seed = seed;
    this.checkpoints = new CheckpointStore(checkpointDirectory);
    this.fingerprint = fingerprint;
    this.progress = progress;
  }

  /** Trains the remaining epochs and returns the metrics of all epochs, restored ones included. */
  public List<EpochMetrics> run() {
    List<EpochMetrics> history = new ArrayList<>();
    int firstEpoch = 1;
    Optional<Path> latest = checkpoints.latest();
    if (latest.isPresent()) {
      CheckpointStore.State state = checkpoints.readState(latest.get());
      if (!fingerprint.equals(state.fingerprint())) {
        throw new IllegalStateException(
            "the checkpoints in "
                + latest.get().getParent()
                + " were written for a"
                + " different "
                + stage
                + " configuration; use another output directory, or delete it to start over");
      }
      checkpoints.restore(latest.get(), network, optimizer);
      history.addAll(state.history());
      firstEpoch = state.epoch() + 1;
      progress.info(
          "Resuming "
              + stage
              + " after epoch "
              + state.epoch()
              + "/"
              + epochs
              + " from "
              + latest.get());
    }
    for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
      EpochMetrics metrics = trainEpoch(epoch);
      history.add(metrics);
      checkpoints.save(epoch, fingerprint, history, network, optimizer);
      progress.epochFinished(stage, epochs, metrics);
    }
    return history;
  }

  private EpochMetrics trainEpoch(int epoch) {
    Engine.getInstance().setRandomSeed(epochSeed(seed, stage, epoch));
    int batches = data.batchesPerEpoch();
    long firstStep = (long) (epoch - 1) * batches;
    EpochAccumulator accumulator = new EpochAccumulator();
    long start = System.nanoTime();
    double learningRate = schedule.at(firstStep);
    progress.phaseStarted(stage, "epoch", epoch, epochs, batches);
    try {
      int b = 0;
      for (ImageBatch batch : data.epoch(network.manager(), epoch)) {
        learningRate = schedule.at(firstStep + b);
        try (batch) {
          StepMetrics step =
              objective.computeGradients(
                  network, batch.images(), batch.labels(), Backpropagation::run);
          if (!Double.isFinite(step.lossSum())) {
            throw new IllegalStateException(
                stage
                    + " loss became "
                    + step.lossSum()
                    + " at epoch "
                    + epoch
                    + ", batch "
                    + (b + 1)
                    + "; lower the learning rate (spec."
                    + stageField()
                    + ".optimizer"
                    + ".learningRate)");
          }
          optimizer.step(learningRate);
          accumulator.add(step);
        }
        b++;
        progress.stepDone(
            b,
            accumulator.examples(),
            accumulator.meanLoss(),
            accumulator.runningAccuracy(),
            accumulator.meanRgkd(),
            accumulator.noisyReplayRate());
      }
    } finally {
      progress.phaseFinished();
    }
    return accumulator.finish(epoch, learningRate, (System.nanoTime() - start) / 1e9);
  }

  private String stageField() {
    return stage == Stage.PRETRAIN ? "pretraining" : "finetuning";
  }

  /** Distinct, reproducible randomness for every (seed, stage, epoch). */
  static int epochSeed(long seed, Stage stage, int epoch) {
    long mixed = seed * 0x9E3779B97F4A7C15L + (stage.ordinal() + 1) * 0xBF58476D1CE4E5B9L + epoch;
    return (int) ((mixed ^ (mixed >>> 31)) & 0x7fffffffL);
  }
}
