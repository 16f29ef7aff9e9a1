package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.testing.CountingClassifier;
import dev.arrest.trainer.testing.LinearProblem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SquareAttackTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void breaksAGradientMaskedModelThatApgdCannotMove() {
    // Quantized inputs: every input gradient is zero, but the decisions still depend on the pixels.
    LinearProblem problem = LinearProblem.create(manager, 20, 5, 8);
    ThreatModel threat = ThreatModel.linf(0.1);
    int[] ids = AttackTesting.range(20);
    AttackBatch forApgd = AttackTesting.batch(manager, problem.data(), ids);
    long[] afterApgd =
        AttackTesting.predictions(
            problem.model(),
            Apgd.builder()
                .setLoss(Apgd.Loss.CROSS_ENTROPY)
                .setThreatModel(threat)
                .setRandom(new ExampleRandom(0))
                .optIterations(20)
                .build()
                .perturb(problem.model(), forApgd));
    int brokenByApgd = 0;
    for (int e = 0; e < 20; e++) {
      brokenByApgd += afterApgd[e] != problem.data().label(e) ? 1 : 0;
    }
    assertEquals(20, forApgd.diagnostics().zeroGradientExamples());
    AttackBatch forSquare = AttackTesting.batch(manager, problem.data(), ids);
    long[] afterSquare =
        AttackTesting.predictions(
            problem.model(),
            SquareAttack.builder()
                .setThreatModel(threat)
                .setRandom(new ExampleRandom(0))
                .optQueries(300)
                .build()
                .perturb(problem.model(), forSquare));
    int brokenBySquare = 0;
    for (int e = 0; e < 20; e++) {
      brokenBySquare += afterSquare[e] != problem.data().label(e) ? 1 : 0;
    }
    assertTrue(
        brokenBySquare > brokenByApgd + 5,
        "Square broke " + brokenBySquare + ", APGD " + brokenByApgd);
  }

  @Test
  void anExampleGetsTheSameResultAloneOrInABatch() {
    LinearProblem problem = LinearProblem.create(manager, 6, 9, 0);
    for (Norm norm : Norm.values()) {
      ThreatModel threat = new ThreatModel(norm, norm == Norm.LINF ? 0.002 : 0.05);
      SquareAttack square =
          SquareAttack.builder()
              .setThreatModel(threat)
              .setRandom(new ExampleRandom(1))
              .optQueries(200)
              .build();
      float[] together =
          square
              .perturb(
                  problem.model(),
                  AttackTesting.batch(manager, problem.data(), AttackTesting.range(6)))
              .toFloatArray();
      float[] alone =
          square
              .perturb(problem.model(), AttackTesting.batch(manager, problem.data(), new int[] {4}))
              .toFloatArray();
      assertArrayEquals(AttackTesting.row(together, 4, 784), alone, norm.toString());
    }
  }

  @Test
  void stopsQueryingAnExampleOnceItIsMisclassified() {
    // A budget so large that the initial stripes already fool every example: one clean pass, one
    // initial query.
    LinearProblem problem = LinearProblem.create(manager, 8, 3, 0);
    CountingClassifier model = new CountingClassifier(problem.model());
    NDArray result =
        SquareAttack.builder()
            .setThreatModel(ThreatModel.linf(0.29))
            .setRandom(new ExampleRandom(1))
            .optQueries(5000)
            .build()
            .perturb(model, AttackTesting.batch(manager, problem.data(), AttackTesting.range(8)));
    long[] predicted = AttackTesting.predictions(problem.model(), result);
    for (int e = 0; e < 8; e++) {
      assertTrue(predicted[e] != problem.data().label(e));
    }
    assertTrue(model.batchSizes().size() < 50, "queries: " + model.batchSizes().size());
  }
}
