package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What one training epoch did. Losses are batch means averaged over the epoch; accuracies are
 * fractions in [0, 1] measured on the training batches as they were trained on. Fields that do not
 * apply to a stage or method are null.
 *
 * @param loss the total loss that was minimized
 * @param crossEntropyLoss the cross-entropy part (on adversarial/noisy inputs when finetuning)
 * @param rgkdLoss the unweighted RGKD distance (arrest only)
 * @param tradesKlLoss the unweighted TRADES KL term (trades only)
 * @param noisyReplayRate fraction of examples noisy replay switched to noisy inputs (arrest only)
 * @param trainCleanAccuracy accuracy on the clean training examples
 * @param trainAdversarialAccuracy accuracy on the adversarial training examples (finetuning only)
 * @param awpGamma the relative size gamma of the adversarial weight perturbation the epoch's steps
 *     computed their gradients at; null for epochs without AWP (not configured, or warm-up)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochMetrics(
    int epoch,
    double learningRate,
    double loss,
    double crossEntropyLoss,
    Double rgkdLoss,
    Double tradesKlLoss,
    Double noisyReplayRate,
    Double trainCleanAccuracy,
    Double trainAdversarialAccuracy,
    long examples,
    double seconds,
    double imagesPerSecond,
    Double awpGamma) {

  /** An epoch without adversarial weight perturbation. */
  public EpochMetrics(
      int epoch,
      double learningRate,
      double loss,
      double crossEntropyLoss,
      Double rgkdLoss,
      Double tradesKlLoss,
      Double noisyReplayRate,
      Double trainCleanAccuracy,
      Double trainAdversarialAccuracy,
      long examples,
      double seconds,
      double imagesPerSecond) {
    this(
        epoch,
        learningRate,
        loss,
        crossEntropyLoss,
        rgkdLoss,
        tradesKlLoss,
        noisyReplayRate,
        trainCleanAccuracy,
        trainAdversarialAccuracy,
        examples,
        seconds,
        imagesPerSecond,
        null);
  }
}
