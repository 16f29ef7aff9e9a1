package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.testing.LinearProblem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FabTest {
  private NDManager manager;
  private LinearProblem problem;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    problem = LinearProblem.create(manager, 24, 21, 0);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void findsTheMinimalAdversarialPerturbationOfALinearModel() {
    int size = problem.data().size();
    AttackBatch batch = AttackTesting.batch(manager, problem.data(), AttackTesting.range(size));
    float[] clean = batch.images().toFloatArray();
    long[] labels = batch.labels().toLongArray();
    for (Norm norm : Norm.values()) {
      double[] radii = problem.radii(norm);
      ThreatModel threat = new ThreatModel(norm, 1);
      FabRun.Result untargeted =
          new FabRun(problem.model(), threat, 20, new Shape(1, 28, 28))
              .run(manager, clean, clean, labels, null);
      for (int e = 0; e < size; e++) {
        // Never below the exact radius (that would be a bug in the check or the model), and within
        // 2 % above it.
        assertTrue(untargeted.norms()[e] >= radii[e] * (1 - 1e-4), norm + " example " + e);
        assertTrue(
            untargeted.norms()[e] <= radii[e] * 1.02,
            norm + " example " + e + ": " + untargeted.norms()[e] / radii[e] + " times the radius");
        float[] found = AttackTesting.row(untargeted.adversarial(), e, 784);
        assertEquals(
            untargeted.norms()[e], threat.norm(found, AttackTesting.row(clean, e, 784)), 1e-9);
      }
    }
  }

  @Test
  void countsOnlyAdversarialExamplesWithinEpsilon() {
    int size = problem.data().size();
    for (Norm norm : Norm.values()) {
      double[] radii = problem.radii(norm);
      double epsilon = ApgdTest.median(radii);
      for (boolean targeted : new boolean[] {false, true}) {
        Fab fab =
            Fab.builder()
                .optTargeted(targeted)
                .setThreatModel(new ThreatModel(norm, epsilon))
                .setRandom(new ExampleRandom(0))
                .optIterations(20)
                .optTargetClasses(9)
                .build();
        AttackBatch batch = AttackTesting.batch(manager, problem.data(), AttackTesting.range(size));
        long[] predicted =
            AttackTesting.predictions(problem.model(), fab.perturb(problem.model(), batch));
        for (int e = 0; e < size; e++) {
          boolean broken = predicted[e] != problem.data().label(e);
          String what =
              norm
                  + (targeted ? " fab-t" : " fab")
                  + " example "
                  + e
                  + " at "
                  + radii[e] / epsilon
                  + " eps";
          if (radii[e] <= 0.98 * epsilon) {
            assertTrue(broken, what + " survived");
          } else if (radii[e] > epsilon) {
            assertTrue(!broken, what + " was broken");
          }
        }
      }
    }
  }
}
