package dev.arrest.trainer.train;

import ai.djl.ndarray.NDArray;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.loss.Losses;

/** Standard training: cross-entropy on clean examples (the pretraining stage). */
public final class CleanObjective implements TrainingObjective {

  @Override
  public StepMetrics computeGradients(
      Classifier student, NDArray images, NDArray labels, Backprop backprop) {
    LossTerms terms =
        backprop.run(
            () -> {
              NDArray logits = student.forward(images, true).logits();
              NDArray crossEntropy = Losses.crossEntropy(logits, labels).mean();
              return new LossTerms(crossEntropy, crossEntropy, null, null, logits);
            });
    double cleanCorrect = Losses.correct(terms.trainedLogits(), labels).sum().getFloat();
    return StepMetrics.of(
        labels, terms, cleanCorrect, StepMetrics.NOT_APPLICABLE, StepMetrics.NOT_APPLICABLE);
  }
}
