package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;
import java.util.SplittableRandom;

/**
 * FAB, the fast adaptive boundary attack (Croce and Hein, ICML 2020), untargeted or targeted
 * (FAB-T, towards the classes with the 2nd, 3rd, ... largest clean logits). FAB looks for the
 * adversarial example of minimum norm; it counts here only if that norm is at most epsilon. The
 * first run starts at the clean image; further restarts start at a random point at distance epsilon
 * / 2, as in the reference code.
 */
public final class Fab implements EvaluationAttack {
  /** Published defaults: maximal bias towards the clean image, overshoot, backward step. */
  public static final double ALPHA_MAX = 0.1;

  public static final double ETA = 1.05;
  public static final double BETA = 0.9;

  private final boolean targeted;
  private final ThreatModel threat;
  private final int iterations;
  private final int restarts;
  private final int targetClasses;
  private final ExampleRandom random;

  /**
   * @param targetClasses FAB-T only (ignored otherwise): how many target classes to try, the
   *     reference uses 9
   */
  public Fab(
      boolean targeted,
      ThreatModel threat,
      int iterations,
      int restarts,
      int targetClasses,
      ExampleRandom random) {
    if (iterations < 1 || restarts < 1 || (targeted && targetClasses < 1)) {
      throw new IllegalArgumentException(
          "FAB needs iterations >= 1, restarts >= 1 and, targeted, targetClasses >= 1;"
              + " found "
              + iterations
              + ", "
              + restarts
              + ", "
              + targetClasses);
    }
    this.targeted = targeted;
    this.threat = threat;
    this.iterations = iterations;
    this.restarts = restarts;
    this.targetClasses = targetClasses;
    this.random = random;
  }

  @Override
  public String name() {
    return targeted ? "fab-t" : "fab";
  }

  @Override
  public ThreatModel threatModel() {
    return threat;
  }

  public boolean targeted() {
    return targeted;
  }

  /** Target classes per example (FAB-T), 0 for the untargeted attack. */
  public int targetClasses() {
    return targeted ? targetClasses : 0;
  }

  @Override
  public int iterations() {
    return iterations;
  }

  @Override
  public int restarts() {
    return restarts;
  }

  @Override
  public NDArray perturb(Classifier model, AttackBatch batch) {
    int classes = model.numClasses();
    if (targeted && classes < targetClasses + 1) {
      throw new IllegalArgumentException(
          "fab-t with "
              + targetClasses
              + " target classes needs at least "
              + (targetClasses + 1)
              + " classes, the model has "
              + classes);
    }
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
      float[] cleanLogits = model.forward(images, false).logits().toFloatArray();
      boolean[] robust = new boolean[size];
      for (int e = 0; e < size; e++) {
        robust[e] = ClassRanking.predicted(cleanLogits, e, classes) == labels[e];
      }
      FabRun fab = new FabRun(model, threat, iterations, shape.slice(1));
      for (int target = 0; target < (targeted ? targetClasses : 1); target++) {
        for (int restart = 0; restart < restarts; restart++) {
          int[] members = Subsets.indicesOf(robust);
          if (members.length == 0) {
            return owner.create(result, shape);
          }
          long[] memberTargets = null;
          if (targeted) {
            memberTargets = new long[members.length];
            for (int j = 0; j < members.length; j++) {
              memberTargets[j] =
                  ClassRanking.classAtRank(cleanLogits, members[j], classes, target + 2);
            }
          }
          float[] memberClean = Subsets.rows(clean, members, pixels);
          float[] start =
              restart == 0
                  ? memberClean
                  : randomStart(
                      memberClean,
                      Subsets.pick(batch.exampleIds(), members),
                      target * restarts + restart);
          FabRun.Result found =
              fab.run(scope, memberClean, start, Subsets.pick(labels, members), memberTargets);
          for (int j = 0; j < members.length; j++) {
            if (found.norms()[j] <= threat.epsilon()) {
              robust[members[j]] = false;
              System.arraycopy(
                  found.adversarial(), j * pixels, result, members[j] * pixels, pixels);
            }
          }
        }
      }
      return owner.create(result, shape);
    } finally {
      model.setFrozen(false);
    }
  }

  /**
   * x + (eps / 2) t / ||t||, clipped to [0, 1]: the reference's restart point (t uniform, L-inf;
   * normal, L2).
   */
  private float[] randomStart(float[] clean, int[] ids, int run) {
    int pixels = clean.length / ids.length;
    float[] start = new float[clean.length];
    double[] t = new double[pixels];
    for (int e = 0; e < ids.length; e++) {
      SplittableRandom stream = random.stream(name(), ids[e], run);
      double length = 0;
      for (int i = 0; i < pixels; i++) {
        t[i] =
            threat.norm() == Norm.LINF ? stream.nextDouble(-1, 1) : ExampleRandom.gaussian(stream);
        length =
            threat.norm() == Norm.LINF ? Math.max(length, Math.abs(t[i])) : length + t[i] * t[i];
      }
      length = threat.norm() == Norm.LINF ? length : Math.sqrt(length);
      for (int i = 0; i < pixels; i++) {
        double value = clean[e * pixels + i] + 0.5 * threat.epsilon() * t[i] / length;
        start[e * pixels + i] = (float) Math.min(1, Math.max(0, value));
      }
    }
    return start;
  }
}
