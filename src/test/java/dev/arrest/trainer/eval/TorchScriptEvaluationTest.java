package dev.arrest.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.api.v1alpha1.AttackType;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.results.EvaluationResult;
import dev.arrest.trainer.engine.TorchScriptClassifier;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.testing.LinearClassifier;
import dev.arrest.trainer.testing.LinearProblem;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same linear classifier, once as TorchScript and once as a DJL model with its weights: the
 * evaluation must report the same, exactly known, robust accuracy for both.
 */
class TorchScriptEvaluationTest {

  @Test
  void aTorchScriptModelIsEvaluatedLikeTheSameModelInDjl() throws URISyntaxException {
    Path file = Path.of(getClass().getResource("/torchscript/linear.pt").toURI());
    try (NDManager manager = NDManager.newBaseManager();
        TorchScriptClassifier scripted =
            TorchScriptClassifier.load(file, manager, new Shape(1, 28, 28))) {
      float[] weight =
          scripted.parameters().stream()
              .filter(p -> p.getKey().endsWith("weight"))
              .findFirst()
              .orElseThrow()
              .getValue()
              .getArray()
              .toFloatArray();
      float[] bias =
          scripted.parameters().stream()
              .filter(p -> p.getKey().endsWith("bias"))
              .findFirst()
              .orElseThrow()
              .getValue()
              .getArray()
              .toFloatArray();
      double[][] weights = new double[10][784];
      double[] biases = new double[10];
      for (int k = 0; k < 10; k++) {
        for (int i = 0; i < 784; i++) {
          weights[k][i] = weight[k * 784 + i];
        }
        biases[k] = bias[k];
      }
      LinearClassifier native_ = new LinearClassifier(manager, weights, biases, 0);
      LinearProblem problem = LinearProblem.forModel(native_, 24, 5);
      double[] radii = problem.radii(Norm.L2);
      double[] sorted = radii.clone();
      Arrays.sort(sorted);
      int gap = 6;
      for (int i = 6; i < 18; i++) {
        gap = sorted[i + 1] / sorted[i] > sorted[gap + 1] / sorted[gap] ? i : gap;
      }
      double epsilon = Math.sqrt(sorted[gap] * sorted[gap + 1]);
      EvaluationAttackSpec apgdT = new EvaluationAttackSpec();
      apgdT.type = AttackType.APGD_T;
      apgdT.steps = 50;
      EvaluationAttackSpec fabT = new EvaluationAttackSpec();
      fabT.type = AttackType.FAB_T;
      fabT.steps = 20;
      List<EvaluationAttackSpec> attacks = List.of(apgdT, fabT);
      EvaluationResult viaTorchScript =
          new RobustnessEvaluator(scripted, problem.data(), 10, 0, ProgressListener.NONE)
              .evaluate(attacks, epsilon, Norm.L2)
              .result();
      EvaluationResult viaDjl =
          new RobustnessEvaluator(native_, problem.data(), 10, 0, ProgressListener.NONE)
              .evaluate(attacks, epsilon, Norm.L2)
              .result();
      double expected = Arrays.stream(radii).filter(r -> r > epsilon).count() / 24.0;
      assertTrue(expected > 0 && expected < 1);
      assertEquals(1.0, viaTorchScript.standardAccuracy());
      assertEquals(expected, viaTorchScript.robustAccuracy(), 1e-12);
      assertEquals(expected, viaDjl.robustAccuracy(), 1e-12);
    }
  }
}
