package dev.arrest.trainer.train;

import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.optim.SgdOptimizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What {@link TrainingListener}s see of a {@link TrainingLoop} run: its parts and its history. */
public final class TrainingRun {
  private final Stage stage;
  private final int epochs;
  private final TrainableClassifier network;
  private final SgdOptimizer optimizer;
  private final List<EpochMetrics> history = new ArrayList<>();
  private int nextEpoch = 1;

  TrainingRun(Stage stage, int epochs, TrainableClassifier network, SgdOptimizer optimizer) {
    this.stage = stage;
    this.epochs = epochs;
    this.network = network;
    this.optimizer = optimizer;
  }

  public Stage stage() {
    return stage;
  }

  /** The number of epochs the stage trains in all. */
  public int epochs() {
    return epochs;
  }

  public TrainableClassifier network() {
    return network;
  }

  public SgdOptimizer optimizer() {
    return optimizer;
  }

  /** The metrics of the epochs done so far, restored ones included. */
  public List<EpochMetrics> history() {
    return Collections.unmodifiableList(history);
  }

  /** The next epoch to train, from 1. */
  public int nextEpoch() {
    return nextEpoch;
  }

  /**
   * Continues an interrupted run whose model and optimizer state the caller has restored after
   * {@code lastEpoch}; {@code restoredHistory} holds the metrics of the epochs up to it.
   */
  public void resume(int lastEpoch, List<EpochMetrics> restoredHistory) {
    if (nextEpoch != 1) {
      throw new IllegalStateException(stage + " has already trained; it cannot resume now");
    }
    history.addAll(restoredHistory);
    nextEpoch = lastEpoch + 1;
  }

  void epochDone(EpochMetrics metrics) {
    history.add(metrics);
    nextEpoch = metrics.epoch() + 1;
  }
}
