package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.trainer.engine.Classifier;

/**
 * Square (Andriushchenko, Croce, Flammarion and Hein, ECCV 2020): a score-based black-box random
 * search that uses only the model's logits, never its gradients, which makes it the ensemble's
 * check against gradient masking. It minimizes the margin z_y - max_{k != y} z_k and stops on an
 * example as soon as it is misclassified.
 */
public final class SquareAttack implements EvaluationAttack {
  /**
   * Published initial fraction of pixels a square covers; AutoAttack runs Square with 5000 queries.
   */
  public static final double P_INIT = 0.8;

  private final ThreatModel threat;
  private final int queries;
  private final int restarts;
  private final ExampleRandom random;

  public SquareAttack(ThreatModel threat, int queries, int restarts, ExampleRandom random) {
    if (queries < 1 || restarts < 1) {
      throw new IllegalArgumentException(
          "Square needs queries >= 1 and restarts >= 1, found " + queries + ", " + restarts);
    }
    this.threat = threat;
    this.queries = queries;
    this.restarts = restarts;
    this.random = random;
  }

  @Override
  public String name() {
    return "square";
  }

  @Override
  public ThreatModel threatModel() {
    return threat;
  }

  @Override
  public int iterations() {
    return queries;
  }

  @Override
  public int restarts() {
    return restarts;
  }

  @Override
  public NDArray perturb(Classifier model, AttackBatch batch) {
    NDArray images = batch.images();
    NDManager owner = images.getManager();
    Shape shape = images.getShape();
    int size = batch.size();
    int pixels = (int) (shape.size() / Math.max(size, 1));
    float[] clean = images.toFloatArray();
    float[] result = clean.clone();
    long[] labels = batch.labels().toLongArray();
    model.setFrozen(true);
    try (NDManager scope = owner.newSubManager()) {
      int classes = model.numClasses();
      float[] cleanLogits = model.forward(images, false).logits().toFloatArray();
      boolean[] robust = new boolean[size];
      for (int e = 0; e < size; e++) {
        robust[e] = ClassRanking.predicted(cleanLogits, e, classes) == labels[e];
      }
      for (int restart = 0; restart < restarts; restart++) {
        int[] members = Subsets.indicesOf(robust);
        if (members.length == 0) {
          break;
        }
        SquareRun run = new SquareRun(model, threat, queries, shape.slice(1));
        SquareRun.Result found =
            run.run(
                scope,
                Subsets.rows(clean, members, pixels),
                Subsets.pick(labels, members),
                random.streams(name(), Subsets.pick(batch.exampleIds(), members), restart));
        for (int j = 0; j < members.length; j++) {
          if (found.fooled()[j]) {
            robust[members[j]] = false;
            System.arraycopy(found.adversarial(), j * pixels, result, members[j] * pixels, pixels);
          }
        }
      }
      return owner.create(result, shape);
    } finally {
      model.setFrozen(false);
    }
  }
}
