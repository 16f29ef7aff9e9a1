package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.loss.Losses;
import dev.arrest.trainer.testing.ConstantClassifier;
import dev.arrest.trainer.testing.CountingClassifier;
import dev.arrest.trainer.testing.LinearProblem;
import dev.arrest.trainer.testing.TinyData;
import dev.arrest.trainer.testing.TinyMlp;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApgdTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    Engine.getInstance().setRandomSeed(11);
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void reachesAtLeastPgdsLossWithTheSameBudgetOnATrainedModel() {
    try (TinyMlp model = TinyMlp.trainedOnBands(manager, 3, 1)) {
      ImageDataset test = TinyData.bands(64, 99);
      AttackBatch batch = AttackTesting.batch(manager, test, AttackTesting.range(64));
      NDArray labels = batch.labels();
      int iterations = 20;
      for (double epsilon : new double[] {0.1, 0.15, 0.2}) {
        PgdAttack pgd =
            new PgdAttack(epsilon, 2.5 * epsilon / iterations, iterations, PgdAttack.Start.UNIFORM);
        NDArray pgdPoints =
            pgd.perturb(
                model, batch.images(), out -> Losses.crossEntropy(out.logits(), labels).sum());
        double pgdLoss =
            Losses.crossEntropy(model.forward(pgdPoints, false).logits(), labels).mean().getFloat();
        NDArray start =
            batch
                .images()
                .add(
                    manager.randomUniform(
                        (float) -epsilon, (float) epsilon, batch.images().getShape()))
                .clip(0, 1);
        ApgdRun.Result apgd =
            new ApgdRun(model, ThreatModel.linf(epsilon), iterations, Apgd.RHO, 1)
                .run(
                    batch.images(),
                    labels,
                    start,
                    logits -> Losses.crossEntropy(logits, labels),
                    e -> {});
        double apgdLoss = mean(apgd.bestLoss());
        assertTrue(
            apgdLoss >= pgdLoss, "epsilon " + epsilon + ": APGD " + apgdLoss + " < PGD " + pgdLoss);
        // The best point is inside the ball and really has the reported loss.
        NDArray best = manager.create(apgd.bestPoints(), batch.images().getShape());
        assertTrue(best.sub(batch.images()).abs().max().getFloat() <= epsilon + 1e-6);
        assertEquals(
            apgdLoss,
            Losses.crossEntropy(model.forward(best, false).logits(), labels).mean().getFloat(),
            1e-4 * apgdLoss);
      }
    }
  }

  @Test
  void dlrBreaksEveryExampleWithinTheBudgetOfALinearModel() {
    LinearProblem problem = LinearProblem.create(manager, 40, 7, 0);
    for (Norm norm : Norm.values()) {
      double[] radii = problem.radii(norm);
      double epsilon = median(radii);
      Apgd apgd =
          Apgd.builder()
              .setLoss(Apgd.Loss.DLR)
              .setThreatModel(new ThreatModel(norm, epsilon))
              .setRandom(new ExampleRandom(2))
              .optIterations(100)
              .build();
      AttackBatch batch = AttackTesting.batch(manager, problem.data(), AttackTesting.range(40));
      long[] predicted =
          AttackTesting.predictions(problem.model(), apgd.perturb(problem.model(), batch));
      for (int e = 0; e < 40; e++) {
        boolean broken = predicted[e] != problem.data().label(e);
        if (radii[e] < 0.98 * epsilon) {
          assertTrue(
              broken,
              norm + ": example " + e + " at radius " + radii[e] / epsilon + " eps survived");
        } else if (radii[e] > epsilon) {
          assertTrue(!broken, norm + ": example " + e + " beyond the budget was broken");
        }
      }
    }
  }

  @Test
  void restartsAttackOnlyTheExamplesEarlierRunsLeftRobust() {
    LinearProblem problem = LinearProblem.create(manager, 30, 8, 0);
    double epsilon = median(problem.radii(Norm.LINF));
    CountingClassifier model = new CountingClassifier(problem.model());
    int iterations = 10;
    int eot = 2;
    Apgd.builder()
        .setLoss(Apgd.Loss.DLR)
        .setThreatModel(ThreatModel.linf(epsilon))
        .setRandom(new ExampleRandom(2))
        .optIterations(iterations)
        .optRestarts(3)
        .optEotIterations(eot)
        .build()
        .perturb(model, AttackTesting.batch(manager, problem.data(), AttackTesting.range(30)));
    List<Integer> sizes = model.batchSizes();
    // One clean pass, then per run (iterations + 1) gradient evaluations of eot forward passes
    // each.
    int perRun = (iterations + 1) * eot;
    assertEquals(1 + 3 * perRun, sizes.size(), sizes.toString());
    assertEquals(30, sizes.get(1));
    int second = sizes.get(1 + perRun);
    int third = sizes.get(1 + 2 * perRun);
    assertTrue(
        second < 30 && second > 0,
        "the first run breaks about half, then only the rest are attacked: " + second);
    assertTrue(third <= second);
  }

  @Test
  void zeroGradientsAreReportedAndLeaveTheImagesUntouched() {
    try (ConstantClassifier model = new ConstantClassifier(manager, 0, 1, 0.5f, 0.2f)) {
      int[] ids = {3, 4, 5, 6};
      ImageDataset data = TinyData.bands(8, 1);
      AttackBatch batch = AttackTesting.batch(manager, data, ids);
      // Label every example with the constant prediction, so that all are attacked.
      batch =
          new AttackBatch(
              batch.images(), manager.create(new long[] {1, 1, 1, 1}), ids, batch.diagnostics());
      NDArray result =
          Apgd.builder()
              .setLoss(Apgd.Loss.CROSS_ENTROPY)
              .setThreatModel(ThreatModel.linf(0.3))
              .setRandom(new ExampleRandom(0))
              .optIterations(5)
              .build()
              .perturb(model, batch);
      assertArrayEquals(batch.images().toFloatArray(), result.toFloatArray());
      assertEquals(4, batch.diagnostics().zeroGradientExamples());
    }
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
