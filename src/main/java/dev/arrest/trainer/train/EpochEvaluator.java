package dev.arrest.trainer.train;

import dev.arrest.results.EpochTest;
import dev.arrest.trainer.engine.TrainableClassifier;

/**
 * Measures a network on held-out data after a training epoch. It must leave the network as it found
 * it (parameters, their trainability and batch-norm statistics), so that a run with and without the
 * measurement trains the same weights.
 */
@FunctionalInterface
public interface EpochEvaluator {
  EpochTest evaluate(TrainableClassifier network);
}
