package dev.arrest.trainer.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.loss.Losses;

/**
 * L-inf PGD on cross-entropy with a uniform random start, repeated {@code restarts} times on the
 * examples that earlier restarts did not break. PGD draws its starts from the engine's generator,
 * which is seeded per batch and restart.
 */
public final class PgdRestarts implements EvaluationAttack {
  private final PgdAttack pgd;
  private final ThreatModel threat;
  private final int restarts;
  private final int steps;
  private final double stepSize;
  private final long seed;

  public PgdRestarts(ThreatModel threat, int steps, double stepSize, int restarts, long seed) {
    if (threat.norm() != Norm.LINF) {
      throw new IllegalArgumentException("pgd supports linf only; use apgd-ce for l2");
    }
    this.pgd = new PgdAttack(threat.epsilon(), stepSize, steps, PgdAttack.Start.UNIFORM);
    this.threat = threat;
    this.restarts = restarts;
    this.steps = steps;
    this.stepSize = stepSize;
    this.seed = seed;
  }

  @Override
  public String name() {
    return "pgd";
  }

  @Override
  public ThreatModel threatModel() {
    return threat;
  }

  @Override
  public int iterations() {
    return steps;
  }

  @Override
  public int restarts() {
    return restarts;
  }

  public double stepSize() {
    return stepSize;
  }

  @Override
  public NDArray perturb(Classifier model, AttackBatch batch) {
    NDArray images = batch.images();
    NDManager owner = images.getManager();
    int pixels = (int) (images.getShape().size() / Math.max(batch.size(), 1));
    float[] result = images.toFloatArray();
    long[] labels = batch.labels().toLongArray();
    boolean[] robust = new boolean[batch.size()];
    java.util.Arrays.fill(robust, true);
    for (int restart = 0; restart < restarts; restart++) {
      int first = batch.size() == 0 ? 0 : batch.exampleIds()[0];
      Engine.getInstance()
          .setRandomSeed((int) (((seed * 31 + first) * 1009 + restart) & 0x7fffffff));
      try (NDManager scope = owner.newSubManager()) {
        NDArray labelArray = batch.labels();
        NDArray adversarial =
            pgd.perturb(model, images, out -> Losses.crossEntropy(out.logits(), labelArray).sum());
        adversarial.attach(scope);
        float[] candidates = adversarial.toFloatArray();
        float[] logits = model.forward(adversarial, false).logits().toFloatArray();
        int classes = logits.length / batch.size();
        for (int e = 0; e < batch.size(); e++) {
          if (robust[e] && ClassRanking.predicted(logits, e, classes) != labels[e]) {
            robust[e] = false;
            System.arraycopy(candidates, e * pixels, result, e * pixels, pixels);
          }
        }
      }
    }
    return owner.create(result, images.getShape());
  }
}
