package dev.arrest.trainer.train;

import ai.djl.ndarray.NDArray;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.engine.Outputs;
import dev.arrest.trainer.loss.Losses;

/**
 * TRADES (Zhang et al. 2019): CE(f(x), y) + beta * KL(f(x) || f(x')), where x' maximizes the KL
 * term within the epsilon-ball, starting from x + 0.001 * N(0, 1) as in the reference
 * implementation.
 */
public final class TradesObjective implements TrainingObjective {
  private final PgdAttack attack;
  private final double beta;

  public TradesObjective(PgdAttack attack, double beta) {
    this.attack = attack;
    this.beta = beta;
  }

  @Override
  public StepMetrics computeGradients(
      Classifier student, NDArray images, NDArray labels, Backprop backprop) {
    NDArray cleanLogits = student.forward(images, false).logits();
    NDArray adversarial =
        attack.perturb(
            student, images, out -> Losses.klDivergence(cleanLogits, out.logits()).sum());
    double cleanCorrect = Losses.correct(cleanLogits, labels).sum().getFloat();
    LossTerms terms =
        backprop.run(
            () -> {
              Outputs clean = student.forward(images, true);
              Outputs adv = student.forward(adversarial, true);
              NDArray crossEntropy = Losses.crossEntropy(clean.logits(), labels).mean();
              NDArray kl = Losses.klDivergence(clean.logits(), adv.logits()).mean();
              return new LossTerms(
                  crossEntropy.add(kl.mul((float) beta)), crossEntropy, null, kl, adv.logits());
            });
    double adversarialCorrect = Losses.correct(terms.trainedLogits(), labels).sum().getFloat();
    return StepMetrics.of(
        labels, terms, cleanCorrect, adversarialCorrect, StepMetrics.NOT_APPLICABLE);
  }
}
