package dev.arrest.trainer.train;

import dev.arrest.results.EpochMetrics;

/** Adds up step metrics over an epoch and turns them into the epoch's means. */
final class EpochAccumulator {
  private long examples;
  private double loss;
  private double crossEntropy;
  private double rgkd;
  private double tradesKl;
  private double switched;
  private double cleanCorrect;
  private double adversarialCorrect;

  void add(StepMetrics step) {
    examples += step.examples();
    loss += step.lossSum();
    crossEntropy += step.crossEntropySum();
    rgkd += step.rgkdSum();
    tradesKl += step.tradesKlSum();
    switched += step.noisyReplaySwitched();
    cleanCorrect += step.cleanCorrect();
    adversarialCorrect += step.adversarialCorrect();
  }

  long examples() {
    return examples;
  }

  double meanLoss() {
    return loss / examples;
  }

  /**
   * Accuracy on what the step trained on: adversarial inputs when there are any, else clean ones.
   */
  double runningAccuracy() {
    return (Double.isNaN(adversarialCorrect) ? cleanCorrect : adversarialCorrect) / examples;
  }

  Double meanRgkd() {
    return mean(rgkd);
  }

  Double noisyReplayRate() {
    return mean(switched);
  }

  /** The epoch so far, as the progress display shows it. */
  TrainingListener.RunningMetrics running() {
    return new TrainingListener.RunningMetrics(
        examples, meanLoss(), runningAccuracy(), meanRgkd(), noisyReplayRate());
  }

  /**
   * @param awpGamma the adversarial weight perturbation the epoch trained with, or null for none
   */
  EpochMetrics finish(int epoch, double learningRate, double seconds, Double awpGamma) {
    return new EpochMetrics(
        epoch,
        learningRate,
        loss / examples,
        crossEntropy / examples,
        mean(rgkd),
        mean(tradesKl),
        mean(switched),
        mean(cleanCorrect),
        mean(adversarialCorrect),
        examples,
        seconds,
        examples / Math.max(seconds, 1e-9),
        awpGamma);
  }

  private Double mean(double sum) {
    return Double.isNaN(sum) ? null : sum / examples;
  }
}
