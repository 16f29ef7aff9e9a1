package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.loss.Losses;
import java.util.SplittableRandom;

/**
 * Auto-PGD (Croce and Hein, ICML 2020) on cross-entropy (APGD-CE), on the DLR loss (APGD-DLR) or on
 * the targeted DLR loss towards each of the top {@code targetClasses} other classes (APGD-T), with
 * random restarts. Every run attacks only the examples that all earlier runs failed to break.
 *
 * <p>Runs start at {@code x + eps * t / ||t||} with t uniform in [-1, 1]^d (L-inf) or standard
 * normal (L2), clipped to [0, 1]; t comes from each example's own random stream. APGD-T's targets
 * are the classes with the 2nd, 3rd, ... largest clean logits, attacked in that order.
 */
public final class Apgd implements EvaluationAttack {
  /**
   * The reference code's default rho, the fraction of increasing steps below which the step size is
   * halved.
   */
  public static final double RHO = 0.75;

  /** The loss APGD maximizes. */
  public enum Loss {
    CROSS_ENTROPY("apgd-ce"),
    DLR("apgd-dlr"),
    TARGETED_DLR("apgd-t");

    private final String attackName;

    Loss(String attackName) {
      this.attackName = attackName;
    }
  }

  private final Loss loss;
  private final ThreatModel threat;
  private final int iterations;
  private final int restarts;
  private final int targetClasses;
  private final int eotIterations;
  private final ExampleRandom random;

  /**
   * @param targetClasses APGD-T only (ignored otherwise): how many target classes to try, the
   *     reference uses 9
   * @param eotIterations gradients averaged per iteration; 1 unless the model is randomized
   */
  public Apgd(
      Loss loss,
      ThreatModel threat,
      int iterations,
      int restarts,
      int targetClasses,
      int eotIterations,
      ExampleRandom random) {
    if (restarts < 1 || (loss == Loss.TARGETED_DLR && targetClasses < 1)) {
      throw new IllegalArgumentException(
          "APGD needs restarts >= 1 and, targeted, targetClasses >= 1; found "
              + restarts
              + ", "
              + targetClasses);
    }
    this.loss = loss;
    this.threat = threat;
    this.iterations = iterations;
    this.restarts = restarts;
    this.targetClasses = targetClasses;
    this.eotIterations = eotIterations;
    this.random = random;
  }

  @Override
  public String name() {
    return loss.attackName;
  }

  @Override
  public ThreatModel threatModel() {
    return threat;
  }

  public Loss loss() {
    return loss;
  }

  /** Target classes per example (APGD-T), 0 for the untargeted losses. */
  public int targetClasses() {
    return loss == Loss.TARGETED_DLR ? targetClasses : 0;
  }

  public int eotIterations() {
    return eotIterations;
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
    checkClasses(model.numClasses());
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
      int classes = model.numClasses();
      boolean[] robust = new boolean[size];
      for (int e = 0; e < size; e++) {
        robust[e] = ClassRanking.predicted(cleanLogits, e, classes) == labels[e];
      }
      int targetRuns = loss == Loss.TARGETED_DLR ? targetClasses : 1;
      for (int target = 0; target < targetRuns; target++) {
        for (int restart = 0; restart < restarts; restart++) {
          int[] members = Subsets.indicesOf(robust);
          if (members.length == 0) {
            return owner.create(result, shape);
          }
          int run = target * restarts + restart;
          long[] memberTargets = null;
          if (loss == Loss.TARGETED_DLR) {
            memberTargets = new long[members.length];
            for (int j = 0; j < members.length; j++) {
              memberTargets[j] =
                  ClassRanking.classAtRank(cleanLogits, members[j], classes, target + 2);
            }
          }
          ApgdRun.Result found =
              runOn(
                  model,
                  scope,
                  Subsets.rows(clean, members, pixels),
                  Subsets.pick(labels, members),
                  memberTargets,
                  shape,
                  members,
                  batch,
                  run);
          for (int j = 0; j < members.length; j++) {
            if (found.fooled()[j]) {
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

  /** One run on the examples {@code members} of the batch, whose clean pixels are {@code clean}. */
  private ApgdRun.Result runOn(
      Classifier model,
      NDManager scope,
      float[] clean,
      long[] labels,
      long[] targets,
      Shape batchShape,
      int[] members,
      AttackBatch batch,
      int run) {
    try (NDManager runScope = scope.newSubManager()) {
      Shape shape = new Shape(members.length).addAll(batchShape.slice(1));
      int[] ids = Subsets.pick(batch.exampleIds(), members);
      NDArray x = runScope.create(clean, shape);
      NDArray y = runScope.create(labels);
      NDArray start = runScope.create(randomStart(clean, ids, run), shape);
      PerExampleLoss objective = objective(y, targets == null ? null : runScope.create(targets));
      return new ApgdRun(model, threat, iterations, RHO, eotIterations)
          .run(x, y, start, objective, position -> batch.diagnostics().zeroGradient(ids[position]));
    }
  }

  private PerExampleLoss objective(NDArray labels, NDArray targets) {
    return switch (loss) {
      case CROSS_ENTROPY -> logits -> Losses.crossEntropy(logits, labels);
      case DLR -> logits -> DlrLoss.untargeted(logits, labels);
      case TARGETED_DLR -> logits -> DlrLoss.targeted(logits, labels, targets);
    };
  }

  /** x + eps * t / ||t||, clipped to [0, 1], per example from its own random stream. */
  private float[] randomStart(float[] clean, int[] ids, int run) {
    int pixels = clean.length / ids.length;
    float[] start = new float[clean.length];
    double[] direction = new double[pixels];
    for (int e = 0; e < ids.length; e++) {
      SplittableRandom stream = random.stream(name(), ids[e], run);
      double length = 0;
      for (int i = 0; i < pixels; i++) {
        direction[i] =
            threat.norm() == Norm.LINF ? stream.nextDouble(-1, 1) : ExampleRandom.gaussian(stream);
        length =
            threat.norm() == Norm.LINF
                ? Math.max(length, Math.abs(direction[i]))
                : length + direction[i] * direction[i];
      }
      length = threat.norm() == Norm.LINF ? length : Math.sqrt(length);
      for (int i = 0; i < pixels; i++) {
        double value = clean[e * pixels + i] + threat.epsilon() * direction[i] / (length + 1e-12);
        start[e * pixels + i] = (float) Math.min(1, Math.max(0, value));
      }
    }
    return start;
  }

  private void checkClasses(int classes) {
    int needed =
        switch (loss) {
          case CROSS_ENTROPY -> 2;
          case DLR -> 3;
          case TARGETED_DLR -> Math.max(4, targetClasses + 1);
        };
    if (classes < needed) {
      throw new IllegalArgumentException(
          name()
              + (loss == Loss.TARGETED_DLR ? " with " + targetClasses + " target classes" : "")
              + " needs at least "
              + needed
              + " classes, the model has "
              + classes);
    }
  }
}
