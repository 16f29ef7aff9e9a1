package dev.arrest.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import dev.arrest.api.v1alpha1.RepresentationDistance;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.engine.Outputs;
import dev.arrest.trainer.loss.Losses;
import dev.arrest.trainer.loss.RepresentationDistances;

/**
 * Adversarial training on PGD examples (at, aft) and ARREST's additions to it:
 *
 * <ul>
 *   <li>RGKD: + lambda * distance(student features of the training input, teacher features of the
 *       clean example);
 *   <li>noisy replay: an example whose clean representation under the student has turned more than
 *       phi degrees away from the teacher's is trained on as clean + U(-eps, eps) (clipped to [0,
 *       1]) instead of adversarially.
 * </ul>
 *
 * <p>The teacher is the frozen pretrained model, always run in eval mode. The NR angle is measured
 * on the clean example with the student in eval mode, before this step's update.
 */
public final class AdversarialObjective implements TrainingObjective {
  private final PgdAttack attack;
  private final Classifier teacher;
  private final Rgkd rgkd;
  private final Double noisyReplayThresholdDegrees;

  /** RGKD's weight lambda and distance. */
  public record Rgkd(double weight, RepresentationDistance distance) {}

  /**
   * @param teacher the pretrained model, required when rgkd or noisy replay is on
   * @param rgkd null to leave RGKD out
   * @param noisyReplayThresholdDegrees null to leave noisy replay out
   */
  public AdversarialObjective(
      PgdAttack attack, Classifier teacher, Rgkd rgkd, Double noisyReplayThresholdDegrees) {
    if ((rgkd != null || noisyReplayThresholdDegrees != null) && teacher == null) {
      throw new IllegalArgumentException(
          "RGKD and noisy replay need the pretrained model as teacher");
    }
    this.attack = attack;
    this.teacher = teacher;
    this.rgkd = rgkd;
    this.noisyReplayThresholdDegrees = noisyReplayThresholdDegrees;
  }

  @Override
  public StepMetrics computeGradients(
      Classifier student, NDArray images, NDArray labels, Backprop backprop) {
    Outputs clean = student.forward(images, false);
    double cleanCorrect = Losses.correct(clean.logits(), labels).sum().getFloat();
    NDArray teacherFeatures = teacher == null ? null : teacher.forward(images, false).features();

    NDArray inputs =
        attack.perturb(student, images, out -> Losses.crossEntropy(out.logits(), labels).sum());
    double switched = StepMetrics.NOT_APPLICABLE;
    if (noisyReplayThresholdDegrees != null) {
      NDArray drifted =
          driftedExamples(clean.features(), teacherFeatures, noisyReplayThresholdDegrees);
      switched = drifted.toType(DataType.FLOAT32, false).sum().getFloat();
      NDArray mask = drifted.reshape(-1, 1, 1, 1).broadcast(images.getShape());
      inputs = NDArrays.where(mask, noisyExamples(images, attack.epsilon()), inputs);
    }
    NDArray trainingInputs = inputs;
    LossTerms terms =
        backprop.run(
            () -> {
              Outputs out = student.forward(trainingInputs, true);
              NDArray crossEntropy = Losses.crossEntropy(out.logits(), labels).mean();
              if (rgkd == null) {
                return new LossTerms(crossEntropy, crossEntropy, null, null, out.logits());
              }
              NDArray distance =
                  RepresentationDistances.distance(rgkd.distance(), out.features(), teacherFeatures)
                      .mean();
              return new LossTerms(
                  crossEntropy.add(distance.mul((float) rgkd.weight())),
                  crossEntropy,
                  distance,
                  null,
                  out.logits());
            });
    double adversarialCorrect = Losses.correct(terms.trainedLogits(), labels).sum().getFloat();
    return StepMetrics.of(labels, terms, cleanCorrect, adversarialCorrect, switched);
  }

  /**
   * True for examples whose student representation is more than the threshold away from the
   * teacher's.
   */
  static NDArray driftedExamples(
      NDArray studentFeatures, NDArray teacherFeatures, double thresholdDegrees) {
    return RepresentationDistances.angleDegrees(studentFeatures, teacherFeatures)
        .gt((float) thresholdDegrees);
  }

  /** Clean + U(-eps, eps), clipped to [0, 1]. */
  static NDArray noisyExamples(NDArray images, double epsilon) {
    NDArray noise =
        images.getManager().randomUniform((float) -epsilon, (float) epsilon, images.getShape());
    return images.add(noise).clip(0, 1);
  }
}
