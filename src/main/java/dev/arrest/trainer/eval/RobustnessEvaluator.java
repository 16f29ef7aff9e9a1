package dev.arrest.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.AttackType;
import dev.arrest.api.v1alpha1.AutoAttackVersion;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EvaluationResult;
import dev.arrest.results.ExampleOutcomes;
import dev.arrest.results.Stage;
import dev.arrest.trainer.attack.AttackBatch;
import dev.arrest.trainer.attack.AttackDiagnostics;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.progress.ProgressListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Clean accuracy and robust accuracy under a sequence of attacks, with the model in eval mode. As
 * in AutoAttack, each attack runs only on the examples still robust after the previous ones: their
 * indices are gathered into batches, attacked, and the results scattered back. A candidate counts
 * as adversarial only after the evaluator has checked it lies in the threat model and has seen the
 * model misclassify it in its own forward pass; the robust accuracy after the last attack is the
 * per-example worst case.
 */
public final class RobustnessEvaluator {
  private final Classifier model;
  private final ImageDataset data;
  private final int batchSize;
  private final long seed;
  private final ProgressListener progress;

  /**
   * @param data the test examples, evaluated in order
   */
  public RobustnessEvaluator(
      Classifier model, ImageDataset data, int batchSize, long seed, ProgressListener progress) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive, found " + batchSize);
    }
    this.model = model;
    this.data = data;
    this.batchSize = batchSize;
    this.seed = seed;
    this.progress = progress;
  }

  /** Runs the spec's attacks; budgets and norms they leave unset come from the defaults. */
  public EvaluationOutcome evaluate(
      List<EvaluationAttackSpec> attacks, double defaultEpsilon, Norm defaultNorm) {
    List<PlannedAttack> plans =
        AttackPlans.from(attacks, defaultEpsilon, defaultNorm, model.numClasses(), seed);
    boolean expectsRandomness =
        attacks.stream()
            .anyMatch(
                a ->
                    (a.type == AttackType.AUTOATTACK
                            && a.effectiveVersion() == AutoAttackVersion.RAND)
                        || a.effectiveEotIterations() > 1);
    return run(plans, expectsRandomness);
  }

  /** Runs the given attacks in order. */
  public EvaluationOutcome run(List<PlannedAttack> plans, boolean expectsRandomness) {
    int size = data.size();
    Shape imageShape =
        new Shape(data.shape().channels(), data.shape().height(), data.shape().width());
    AdversarialExamples adversarial = new AdversarialExamples(imageShape);
    AttackDiagnostics diagnostics = new AttackDiagnostics();
    CleanPass clean = cleanPass();
    boolean[] robust = clean.correct().clone();
    List<AttackResult> results = new ArrayList<>();
    for (int a = 0; a < plans.size(); a++) {
      PlannedAttack plan = plans.get(a);
      long start = System.nanoTime();
      int[] targets = indicesOf(robust);
      int broken = attack(plan, a, targets, robust, adversarial, diagnostics);
      double seconds = (System.nanoTime() - start) / 1e9;
      results.add(
          new AttackResult(
              plan.name(),
              plan.type(),
              plan.attack().threatModel().norm().toString(),
              plan.attack().threatModel().epsilon(),
              plan.attack().iterations(),
              plan.stepSize(),
              plan.attack().restarts(),
              fraction(robust),
              seconds,
              targets.length,
              broken));
      progress.info(
          String.format(
              java.util.Locale.ROOT,
              "%s: robust accuracy %.2f %% (broke %d of %d attacked)" + " in %.1f s",
              plan.name(),
              100 * fraction(robust),
              broken,
              targets.length,
              seconds));
    }
    List<String> warnings =
        GradientMaskingCheck.warnings(
            plans,
            results,
            size,
            diagnostics.zeroGradientExamples(),
            clean.randomized(),
            clean.probabilities(),
            expectsRandomness);
    for (String warning : warnings) {
      progress.info("warning: " + warning);
    }
    EvaluationResult result =
        new EvaluationResult(size, fraction(clean.correct()), fraction(robust), results, warnings)
            .withExamples(ExampleOutcomes.of(clean.correct(), robust));
    return new EvaluationOutcome(
        result, adversarial, plans.stream().map(PlannedAttack::name).toList());
  }

  /**
   * Attacks the still-robust examples {@code targets} batch by batch; returns how many it broke.
   */
  private int attack(
      PlannedAttack plan,
      int attackIndex,
      int[] targets,
      boolean[] robust,
      AdversarialExamples adversarial,
      AttackDiagnostics diagnostics) {
    int batches = (targets.length + batchSize - 1) / batchSize;
    progress.phaseStarted(Stage.EVALUATE, plan.name(), 0, 0, batches);
    int broken = 0;
    int pixels = (int) data.shape().size();
    try (NDManager manager = NDManager.newBaseManager()) {
      for (int b = 0; b < batches; b++) {
        int[] ids =
            java.util.Arrays.copyOfRange(
                targets, b * batchSize, Math.min(targets.length, (b + 1) * batchSize));
        try (NDManager batchManager = manager.newSubManager()) {
          float[] cleanPixels = pixels(ids);
          NDArray images = batchManager.create(cleanPixels, batchShape(ids.length));
          NDArray labels = batchManager.create(labels(ids));
          NDArray candidates =
              plan.attack()
                  .perturb(
                      model,
                      new AttackBatch(images, labels, ids, diagnostics, progress::withinStep));
          float[] candidatePixels = candidates.toFloatArray();
          ThreatModelCheck.requireInside(
              plan.name(), plan.attack().threatModel(), cleanPixels, candidatePixels, ids);
          int[] predictions = predictions(candidates);
          for (int e = 0; e < ids.length; e++) {
            int label = data.label(ids[e]);
            if (predictions[e] != label) {
              robust[ids[e]] = false;
              broken++;
              adversarial.add(
                  new AdversarialExamples.Entry(
                      ids[e],
                      label,
                      predictions[e],
                      attackIndex,
                      java.util.Arrays.copyOfRange(candidatePixels, e * pixels, (e + 1) * pixels)));
            }
          }
        }
        progress.stepDone(
            b + 1,
            Math.min(targets.length, (b + 1) * batchSize),
            null,
            fraction(robust),
            null,
            null);
      }
    } finally {
      progress.phaseFinished();
    }
    return broken;
  }

  /**
   * @param correct clean predictions equal the labels
   * @param randomized the first batch's outputs changed between identical forward passes
   * @param probabilities the first batch's outputs look like probability vectors
   */
  private record CleanPass(boolean[] correct, boolean randomized, boolean probabilities) {}

  private CleanPass cleanPass() {
    int size = data.size();
    boolean[] correct = new boolean[size];
    boolean randomized = false;
    boolean probabilities = false;
    int batches = (size + batchSize - 1) / batchSize;
    progress.phaseStarted(Stage.EVALUATE, "clean", 0, 0, batches);
    try (NDManager manager = NDManager.newBaseManager()) {
      int hits = 0;
      for (int b = 0; b < batches; b++) {
        int[] ids = range(b * batchSize, Math.min(size, (b + 1) * batchSize));
        try (NDManager batchManager = manager.newSubManager()) {
          NDArray images = batchManager.create(pixels(ids), batchShape(ids.length));
          NDArray logits = model.forward(images, false).logits();
          int[] predicted = argMax(logits);
          if (b == 0) {
            randomized = OutputChecks.varies(model, images, logits);
            probabilities = OutputChecks.looksLikeProbabilities(logits);
          }
          for (int e = 0; e < ids.length; e++) {
            correct[ids[e]] = predicted[e] == data.label(ids[e]);
            hits += correct[ids[e]] ? 1 : 0;
          }
        }
        progress.stepDone(
            b + 1,
            Math.min(size, (b + 1) * batchSize),
            null,
            (double) hits / Math.min(size, (b + 1) * batchSize),
            null,
            null);
      }
    } finally {
      progress.phaseFinished();
    }
    return new CleanPass(correct, randomized, probabilities);
  }

  private int[] predictions(NDArray images) {
    return argMax(model.forward(images, false).logits());
  }

  private static int[] argMax(NDArray logits) {
    long[] indices = logits.argMax(1).toLongArray();
    int[] result = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      result[i] = (int) indices[i];
    }
    return result;
  }

  private float[] pixels(int[] ids) {
    int pixels = (int) data.shape().size();
    float[] result = new float[ids.length * pixels];
    for (int e = 0; e < ids.length; e++) {
      data.copyImage(ids[e], result, e * pixels);
    }
    return result;
  }

  private long[] labels(int[] ids) {
    long[] result = new long[ids.length];
    for (int e = 0; e < ids.length; e++) {
      result[e] = data.label(ids[e]);
    }
    return result;
  }

  private Shape batchShape(int size) {
    return new Shape(size, data.shape().channels(), data.shape().height(), data.shape().width());
  }

  private static int[] indicesOf(boolean[] flags) {
    return java.util.stream.IntStream.range(0, flags.length).filter(i -> flags[i]).toArray();
  }

  private static int[] range(int from, int to) {
    return java.util.stream.IntStream.range(from, to).toArray();
  }

  private static double fraction(boolean[] flags) {
    int count = 0;
    for (boolean flag : flags) {
      count += flag ? 1 : 0;
    }
    return flags.length == 0 ? 0 : (double) count / flags.length;
  }
}
