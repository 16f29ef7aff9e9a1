package dev.arrest.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.AttackType;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.results.AttackResult;
import dev.arrest.results.EvaluationResult;
import dev.arrest.trainer.attack.Apgd;
import dev.arrest.trainer.attack.AttackBatch;
import dev.arrest.trainer.attack.EvaluationAttack;
import dev.arrest.trainer.attack.ExampleRandom;
import dev.arrest.trainer.attack.ThreatModel;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.testing.ConstantClassifier;
import dev.arrest.trainer.testing.LinearProblem;
import dev.arrest.trainer.testing.TinyData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RobustnessEvaluatorTest {
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private static EvaluationOutcome evaluate(
      Classifier model,
      ImageDataset data,
      int batchSize,
      List<EvaluationAttackSpec> attacks,
      double epsilon,
      Norm norm) {
    return new RobustnessEvaluator(model, data, batchSize, 0, ProgressListener.NONE)
        .evaluate(attacks, epsilon, norm);
  }

  private static EvaluationAttackSpec attack(AttackType type) {
    EvaluationAttackSpec spec = new EvaluationAttackSpec();
    spec.type = type;
    return spec;
  }

  /**
   * An epsilon in the widest gap between consecutive radii near the median, so the expected count
   * is crisp.
   */
  private static double crispEpsilon(double[] radii) {
    double[] sorted = radii.clone();
    Arrays.sort(sorted);
    int best = sorted.length / 2;
    for (int i = sorted.length / 4; i < 3 * sorted.length / 4; i++) {
      if (sorted[i + 1] / sorted[i] > sorted[best + 1] / sorted[best]) {
        best = i;
      }
    }
    assertTrue(sorted[best + 1] / sorted[best] > 1.04, "test data has no clear gap");
    return Math.sqrt(sorted[best] * sorted[best + 1]);
  }

  private static long count(double[] radii, double epsilon) {
    return Arrays.stream(radii).filter(r -> r > epsilon).count();
  }

  @Test
  void standardAutoAttackReportsTheExactRobustAccuracyOfALinearModel() {
    LinearProblem problem = LinearProblem.create(manager, 30, 17, 0);
    double[] radii = problem.radii(Norm.LINF);
    double epsilon = crispEpsilon(radii);
    EvaluationOutcome outcome =
        evaluate(
            problem.model(),
            problem.data(),
            16,
            List.of(attack(AttackType.AUTOATTACK)),
            epsilon,
            Norm.LINF);
    EvaluationResult result = outcome.result();
    assertEquals(1.0, result.standardAccuracy());
    assertEquals(count(radii, epsilon) / 30.0, result.robustAccuracy(), 1e-12);
    assertEquals(
        List.of(
            "autoattack-standard/apgd-ce",
            "autoattack-standard/apgd-t",
            "autoattack-standard/fab-t",
            "autoattack-standard/square"),
        result.attacks().stream().map(AttackResult::name).toList());
    // Cumulative accuracies, broken counts that add up, and one adversarial example per broken test
    // example.
    int broken = 0;
    double previous = 1.0;
    for (AttackResult attack : result.attacks()) {
      assertTrue(attack.robustAccuracy() <= previous);
      assertEquals(Math.round((previous - attack.robustAccuracy()) * 30), (long) attack.broken());
      assertEquals(Math.round(previous * 30), (long) attack.attacked());
      previous = attack.robustAccuracy();
      broken += attack.broken();
    }
    assertEquals(30 - count(radii, epsilon), broken);
    assertEquals(broken, outcome.adversarialExamples().size());
    assertEquals(List.of(), result.warnings());
    // Per example: right clean, and robust exactly where no attack found an adversarial example.
    boolean[] standard = result.examples().standard(30);
    boolean[] robust = result.examples().robust(30);
    Set<Integer> brokenIndices =
        outcome.adversarialExamples().entries().stream()
            .map(AdversarialExamples.Entry::index)
            .collect(Collectors.toSet());
    for (int i = 0; i < 30; i++) {
      assertTrue(standard[i], "example " + i);
      assertEquals(!brokenIndices.contains(i), robust[i], "example " + i);
    }
  }

  @Test
  void adversarialExamplesAreInsideTheBallAndMisclassified() {
    LinearProblem problem = LinearProblem.create(manager, 20, 23, 0);
    double epsilon = crispEpsilon(problem.radii(Norm.L2));
    EvaluationAttackSpec fab = attack(AttackType.FAB_T);
    fab.steps = 20;
    EvaluationOutcome outcome =
        evaluate(
            problem.model(),
            problem.data(),
            8,
            List.of(attack(AttackType.APGD_DLR), fab),
            epsilon,
            Norm.L2);
    assertTrue(outcome.adversarialExamples().size() > 0);
    for (AdversarialExamples.Entry entry : outcome.adversarialExamples().entries()) {
      float[] clean = problem.data().image(entry.index());
      assertTrue(ThreatModel.l2(epsilon).contains(entry.image(), clean));
      double[] logits = problem.model().logits(entry.image());
      assertEquals(entry.prediction(), argMax(logits));
      assertTrue(entry.prediction() != entry.label());
      assertEquals(problem.data().label(entry.index()), entry.label());
    }
  }

  @Test
  void anInputIndependentModelKeepsItsCleanAccuracy() {
    // Bands have labels 0..9 in turn; the constant model predicts 3, so 2 of 20 examples are
    // correct.
    ImageDataset data = TinyData.bands(20, 4);
    try (ConstantClassifier model = new ConstantClassifier(manager, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0)) {
      EvaluationResult result =
          evaluate(model, data, 7, List.of(attack(AttackType.AUTOATTACK)), 0.3, Norm.LINF).result();
      assertEquals(0.1, result.standardAccuracy(), 1e-12);
      assertEquals(0.1, result.robustAccuracy(), 1e-12);
      assertTrue(
          result.warnings().stream().anyMatch(w -> w.contains("gradient of exactly zero")),
          result.warnings().toString());
    }
  }

  @Test
  void anAttackThatFindsNothingDoesNotLowerAccuracy() {
    LinearProblem problem = LinearProblem.create(manager, 12, 2, 0);
    EvaluationResult result =
        run(problem, 5, new StubAttack("nothing", (batch, threat) -> batch.images().duplicate()))
            .result();
    assertEquals(1.0, result.robustAccuracy());
    assertEquals(0, result.attacks().get(0).broken());
  }

  @Test
  void claimsOfAnAttackCountOnlyWhenTheModelMisclassifies() {
    // Random noise inside the ball: only the examples it really flips may count.
    LinearProblem problem = LinearProblem.create(manager, 40, 5, 0);
    double epsilon = 0.1;
    List<float[]> noise = new ArrayList<>();
    EvaluationOutcome outcome =
        run(
            problem,
            40,
            new StubAttack(
                "noise",
                (batch, threat) -> {
                  NDArray noisy =
                      batch
                          .images()
                          .add(manager.randomUniform(-0.1f, 0.1f, batch.images().getShape()))
                          .clip(0, 1);
                  noise.add(noisy.toFloatArray());
                  return noisy;
                }),
            epsilon);
    long[] predicted =
        problem
            .model()
            .forward(
                manager.create(noise.get(0), new ai.djl.ndarray.types.Shape(40, 1, 28, 28)), false)
            .logits()
            .argMax(1)
            .toLongArray();
    long flipped = 0;
    for (int e = 0; e < 40; e++) {
      flipped += predicted[e] != problem.data().label(e) ? 1 : 0;
    }
    assertTrue(flipped > 0 && flipped < 40, "noise flipped " + flipped);
    assertEquals((40 - flipped) / 40.0, outcome.result().robustAccuracy(), 1e-12);
  }

  @Test
  void anExampleOutsideTheBallFailsTheEvaluation() {
    LinearProblem problem = LinearProblem.create(manager, 6, 2, 0);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                run(
                    problem,
                    6,
                    new StubAttack(
                        "cheat",
                        (batch, threat) -> batch.images().add(threat.epsilon() * 1.01).clip(0, 1)),
                    0.05));
    assertTrue(
        e.getMessage().contains("cheat produced an example outside the threat model"),
        e.getMessage());
  }

  @Test
  void laterAttacksSeeOnlyTheExamplesStillRobust() {
    LinearProblem problem = LinearProblem.create(manager, 30, 3, 0);
    double epsilon = ApgdMedian.of(problem.radii(Norm.LINF));
    ThreatModel threat = ThreatModel.linf(epsilon);
    List<Integer> seenBySecond = new ArrayList<>();
    Apgd apgd =
        Apgd.builder()
            .setLoss(Apgd.Loss.DLR)
            .setThreatModel(threat)
            .setRandom(new ExampleRandom(0))
            .optIterations(20)
            .build();
    StubAttack recorder =
        new StubAttack(
            "recorder",
            (batch, t) -> {
              Arrays.stream(batch.exampleIds()).forEach(seenBySecond::add);
              return batch.images().duplicate();
            });
    EvaluationOutcome outcome =
        new RobustnessEvaluator(problem.model(), problem.data(), 7, 0, ProgressListener.NONE)
            .run(List.of(PlannedAttack.of(apgd), PlannedAttack.of(recorder.with(threat))), false);
    List<Integer> broken =
        outcome.adversarialExamples().entries().stream()
            .map(AdversarialExamples.Entry::index)
            .toList();
    assertFalse(broken.isEmpty());
    for (int e = 0; e < 30; e++) {
      assertEquals(!broken.contains(e), seenBySecond.contains(e), "example " + e);
    }
    assertEquals(30 - broken.size(), seenBySecond.size());
  }

  @Test
  void resultsDoNotDependOnTheBatchSize() {
    LinearProblem problem = LinearProblem.create(manager, 16, 31, 0);
    double epsilon = ApgdMedian.of(problem.radii(Norm.LINF));
    EvaluationAttackSpec apgdCe = attack(AttackType.APGD_CE);
    apgdCe.steps = 30;
    EvaluationAttackSpec apgdT = attack(AttackType.APGD_T);
    apgdT.steps = 30;
    apgdT.targetClasses = 3;
    EvaluationAttackSpec square = attack(AttackType.SQUARE);
    square.steps = 300;
    List<EvaluationAttackSpec> attacks = List.of(apgdCe, apgdT, square);
    EvaluationOutcome small =
        evaluate(problem.model(), problem.data(), 5, attacks, epsilon, Norm.LINF);
    EvaluationOutcome large =
        evaluate(problem.model(), problem.data(), 16, attacks, epsilon, Norm.LINF);
    assertEquals(indices(small), indices(large));
    for (int a = 0; a < 3; a++) {
      assertEquals(
          small.result().attacks().get(a).broken(), large.result().attacks().get(a).broken());
    }
  }

  @Test
  void squareBreakingWhatWhiteBoxAttacksCouldNotIsReportedAsGradientMasking() {
    LinearProblem problem = LinearProblem.create(manager, 20, 5, 8);
    EvaluationAttackSpec square = attack(AttackType.SQUARE);
    square.steps = 300;
    EvaluationResult result =
        evaluate(
                problem.model(),
                problem.data(),
                20,
                List.of(attack(AttackType.APGD_CE), square),
                0.1,
                Norm.LINF)
            .result();
    // APGD cannot move (its random start alone may fool an example or two); Square can.
    assertTrue(
        result.attacks().get(1).broken() > result.attacks().get(0).broken() + 3,
        result.attacks().toString());
    assertTrue(
        result.warnings().stream()
            .anyMatch(
                w -> w.startsWith("gradient masking suspected: black-box" + " square-300 broke")),
        result.warnings().toString());
    assertTrue(result.warnings().stream().anyMatch(w -> w.contains("gradient of exactly zero")));
  }

  private EvaluationOutcome run(LinearProblem problem, int batchSize, StubAttack attack) {
    return run(problem, batchSize, attack, 0.05);
  }

  private EvaluationOutcome run(
      LinearProblem problem, int batchSize, StubAttack attack, double epsilon) {
    return new RobustnessEvaluator(
            problem.model(), problem.data(), batchSize, 0, ProgressListener.NONE)
        .run(List.of(PlannedAttack.of(attack.with(ThreatModel.linf(epsilon)))), false);
  }

  private static List<Integer> indices(EvaluationOutcome outcome) {
    return outcome.adversarialExamples().entries().stream()
        .map(AdversarialExamples.Entry::index)
        .sorted()
        .toList();
  }

  private static int argMax(double[] values) {
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      best = values[k] > values[best] ? k : best;
    }
    return best;
  }

  /** Medians of radii, as budgets that break about half of the examples. */
  private static final class ApgdMedian {
    static double of(double[] radii) {
      double[] sorted = radii.clone();
      Arrays.sort(sorted);
      return sorted[sorted.length / 2];
    }
  }

  /**
   * An attack whose candidates a function computes, for checking what the evaluator does with them.
   */
  private record StubAttack(
      String name, BiFunction<AttackBatch, ThreatModel, NDArray> candidates, ThreatModel threat)
      implements EvaluationAttack {
    StubAttack(String name, BiFunction<AttackBatch, ThreatModel, NDArray> candidates) {
      this(name, candidates, null);
    }

    StubAttack with(ThreatModel threat) {
      return new StubAttack(name, candidates, threat);
    }

    @Override
    public ThreatModel threatModel() {
      return threat;
    }

    @Override
    public int iterations() {
      return 1;
    }

    @Override
    public int restarts() {
      return 1;
    }

    @Override
    public NDArray perturb(Classifier model, AttackBatch batch) {
      return candidates.apply(batch, threat);
    }
  }
}
