package dev.arrest.trainer.train;

import ai.djl.ndarray.NDArray;

/**
 * What one training step measured, as sums over its examples so that steps of different sizes add
 * up exactly. Components that do not apply to the objective are NaN.
 */
public record StepMetrics(
    int examples,
    double lossSum,
    double crossEntropySum,
    double rgkdSum,
    double tradesKlSum,
    double noisyReplaySwitched,
    double cleanCorrect,
    double adversarialCorrect) {

  public static final double NOT_APPLICABLE = Double.NaN;

  /** Sums the batch-mean loss terms back over the batch; absent terms become NaN. */
  static StepMetrics of(
      NDArray labels,
      LossTerms terms,
      double cleanCorrect,
      double adversarialCorrect,
      double noisyReplaySwitched) {
    int n = (int) labels.size();
    return new StepMetrics(
        n,
        n * scalar(terms.total()),
        n * scalar(terms.crossEntropy()),
        n * scalar(terms.rgkd()),
        n * scalar(terms.tradesKl()),
        noisyReplaySwitched,
        cleanCorrect,
        adversarialCorrect);
  }

  private static double scalar(NDArray value) {
    return value == null ? NOT_APPLICABLE : value.getFloat();
  }
}
