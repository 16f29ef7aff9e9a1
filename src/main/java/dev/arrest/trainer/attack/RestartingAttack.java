package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.progress.WithinStep;
import java.util.Arrays;

/**
 * The restart skeleton every evaluation attack shares, as the reference AutoAttack code wraps
 * {@code attack_single_run} in {@code perturb}: flatten the batch, find the examples the model
 * still classifies correctly, then for every target class and restart run the attack once on those
 * still robust, copy back the rows it fooled and drop them from later runs. The model's parameters
 * are frozen throughout. Subclasses implement {@link #runOnce} only; the template also reports
 * progress within the batch after every iteration of every run.
 */
public abstract class RestartingAttack implements EvaluationAttack {

  /**
   * One run's input: the examples {@code members} of the batch that are still robust.
   *
   * @param scope frees everything the run allocates when it ends
   * @param imageShape [C, H, W]
   * @param members positions in the batch
   * @param exampleIds the members' indices in the evaluation set (keys of their random streams)
   * @param clean the members' clean pixels, one row each
   * @param labels the members' true classes
   * @param targets the members' target classes (the class at rank {@code target + 2} of their clean
   *     logits), null for untargeted attacks
   * @param target which target class rank this run attacks, 0 for untargeted attacks
   * @param restart which restart for that target
   * @param run the run's index over all targets and restarts: {@code target * restarts + restart}
   * @param progress to call after every iteration of the run
   */
  protected record SingleRun(
      Classifier model,
      NDManager scope,
      Shape imageShape,
      AttackBatch batch,
      int[] members,
      int[] exampleIds,
      float[] clean,
      long[] labels,
      long[] targets,
      int target,
      int restart,
      int run,
      RunProgress progress) {

    public int size() {
      return members.length;
    }

    /** The members' clean images as an array of the run's scope. */
    public NDArray cleanImages() {
      return scope.create(clean, new Shape(members.length).addAll(imageShape));
    }
  }

  /**
   * What one run found, per member.
   *
   * @param fooled the run found an adversarial example for the member
   * @param adversarial rows of candidates, used where fooled
   */
  protected record RunResult(boolean[] fooled, float[] adversarial) {}

  /** A run's report after each iteration. */
  @FunctionalInterface
  protected interface RunProgress {
    /**
     * @param iterations iterations of this run done so far
     * @param fooled members fooled so far in this run
     */
    void iterationsDone(int iterations, int fooled);
  }

  /** Runs the attack once on the still-robust members of the batch. */
  protected abstract RunResult runOnce(SingleRun run);

  /** Target classes per example for targeted attacks, 0 for untargeted ones. */
  public int targetClasses() {
    return 0;
  }

  /** What {@link #iterations()} counts, as progress shows it. */
  protected String progressUnit() {
    return "iterations";
  }

  /** Rejects a model the attack cannot run on, before any work. */
  protected void checkModel(Classifier model) {}

  /**
   * Whether every run attacks the whole batch rather than only the examples still robust, and the
   * clean misclassified ones too. A fooled row is still copied back only the first time.
   */
  protected boolean attacksWholeBatch() {
    return false;
  }

  @Override
  public final NDArray perturb(Classifier model, AttackBatch batch) {
    checkModel(model);
    NDArray images = batch.images();
    NDManager owner = images.getManager();
    Shape shape = images.getShape();
    int size = batch.size();
    int pixels = (int) (shape.size() / Math.max(size, 1));
    float[] clean = images.toFloatArray();
    float[] result = clean.clone();
    long[] labels = batch.labels().toLongArray();
    int classes = model.numClasses();
    boolean targeted = targetClasses() > 0;
    if (targeted && attacksWholeBatch()) {
      // Targets come from the clean logits, which a whole-batch attack does not compute.
      throw new IllegalStateException(name() + ": a targeted attack cannot attack the whole batch");
    }
    int targetRuns = targeted ? targetClasses() : 1;
    long total = (long) targetRuns * restarts() * iterations();
    model.setFrozen(true);
    try (NDManager scope = owner.newSubManager()) {
      float[] cleanLogits = null;
      boolean[] robust = new boolean[size];
      if (attacksWholeBatch()) {
        Arrays.fill(robust, true);
      } else {
        cleanLogits = model.forward(images, false).logits().toFloatArray();
        for (int e = 0; e < size; e++) {
          robust[e] = ClassRanking.predicted(cleanLogits, e, classes) == labels[e];
        }
      }
      for (int target = 0; target < targetRuns; target++) {
        for (int restart = 0; restart < restarts(); restart++) {
          int[] stillRobust = Subsets.indicesOf(robust);
          if (stillRobust.length == 0) {
            return owner.create(result, shape);
          }
          int[] members = attacksWholeBatch() ? everyPosition(size) : stillRobust;
          long[] memberTargets = null;
          if (targeted) {
            memberTargets = new long[members.length];
            for (int j = 0; j < members.length; j++) {
              memberTargets[j] =
                  ClassRanking.classAtRank(cleanLogits, members[j], classes, target + 2);
            }
          }
          int run = target * restarts() + restart;
          long before = (long) run * iterations();
          int robustBefore = stillRobust.length;
          RunProgress progress =
              (iterations, fooled) ->
                  batch
                      .progress()
                      .update(
                          new WithinStep(
                              progressUnit(),
                              before + Math.min(iterations, iterations()),
                              total,
                              Math.max(robustBefore - fooled, 0),
                              size));
          RunResult found;
          try (NDManager runScope = scope.newSubManager()) {
            found =
                runOnce(
                    new SingleRun(
                        model,
                        runScope,
                        shape.slice(1),
                        batch,
                        members,
                        Subsets.pick(batch.exampleIds(), members),
                        Subsets.rows(clean, members, pixels),
                        Subsets.pick(labels, members),
                        memberTargets,
                        target,
                        restart,
                        run,
                        progress));
          }
          for (int j = 0; j < members.length; j++) {
            if (found.fooled()[j] && robust[members[j]]) {
              robust[members[j]] = false;
              System.arraycopy(
                  found.adversarial(), j * pixels, result, members[j] * pixels, pixels);
            }
          }
          batch
              .progress()
              .update(
                  new WithinStep(
                      progressUnit(),
                      before + iterations(),
                      total,
                      Subsets.indicesOf(robust).length,
                      size));
        }
      }
      return owner.create(result, shape);
    } finally {
      model.setFrozen(false);
    }
  }

  private static int[] everyPosition(int size) {
    int[] positions = new int[size];
    Arrays.setAll(positions, i -> i);
    return positions;
  }
}
