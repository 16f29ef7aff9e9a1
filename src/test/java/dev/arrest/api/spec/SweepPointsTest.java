package dev.arrest.api.spec;

import static dev.arrest.api.spec.ArrestTrainingDocumentsTest.MINIMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.Initialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepPointsTest {

  private static ArrestTraining sweep(String sweepYaml) {
    return ArrestTrainingDocuments.parse(MINIMAL + "  sweep:\n" + sweepYaml.indent(4), "test");
  }

  @Test
  void pointsAreTheProductWithTheLastListVaryingFastest() {
    List<SweepPoint> points =
        SweepPoints.expand(
            sweep(
                """
                epsilons: [0.05, 0.1]
                noisyReplayThresholdDegrees: [30, 37.5, 45]\
                """));

    assertEquals(
        List.of(
            "arrest eps=0.05 phi=30",
            "arrest eps=0.05 phi=37.5",
            "arrest eps=0.05 phi=45",
            "arrest eps=0.1 phi=30",
            "arrest eps=0.1 phi=37.5",
            "arrest eps=0.1 phi=45"),
        points.stream().map(SweepPoint::label).toList());
    assertEquals(List.of(0, 1, 2, 3, 4, 5), points.stream().map(SweepPoint::id).toList());
    assertEquals("arrest-eps-0p05-phi-37p5", points.get(1).slug());
    assertEquals("01-arrest-eps-0p05-phi-37p5", points.get(1).directoryName());
    for (SweepPoint point : points) {
      assertTrue(point.slug().matches("[a-z0-9]+(-[a-z0-9]+)*"), "DNS-label safe: " + point.slug());
    }
  }

  @Test
  void eachPointIsTheSpecWithItsValuesAppliedAndNoSweep() {
    ArrestTraining training =
        sweep(
            """
            epsilons: [0.05, 0.2]
            rgkdWeights: [0.5, 2]\
            """);
    List<SweepPoint> points = SweepPoints.expand(training);

    SweepPoint last = points.get(3);
    ArrestTrainingSpec spec = last.training().getSpec();
    assertEquals(0.2, spec.finetuning.attack.epsilon);
    assertEquals(2.0, spec.finetuning.rgkd.weight);
    assertEquals(
        37.5,
        spec.finetuning.noisyReplay.thresholdDegrees,
        "untouched fields keep the spec's values");
    assertNull(spec.sweep);
    assertEquals(
        "t", last.training().getMetadata().getName(), "points belong to the same training");
    assertEquals(
        Map.of("finetuning.attack.epsilon", 0.2, "finetuning.rgkd.weight", 2.0), last.overrides());
    assertEquals(
        List.of("finetuning.attack.epsilon", "finetuning.rgkd.weight"),
        new ArrayList<>(last.overrides().keySet()),
        "overrides in expansion order");
    assertEquals(0.05, points.get(0).training().getSpec().finetuning.attack.epsilon);
    assertEquals(0.5, points.get(0).training().getSpec().finetuning.rgkd.weight);

    assertNotNull(training.getSpec().sweep, "expansion leaves the sweep's own document alone");
    assertEquals(1.0, training.getSpec().finetuning.rgkd.weight);
    ArrestTraining reparsed =
        ArrestTrainingDocuments.parse(ArrestTrainingDocuments.toYaml(last.training()), "point");
    assertEquals(
        ArrestTrainingDocuments.toYaml(last.training()),
        ArrestTrainingDocuments.toYaml(reparsed),
        "a point's document is a valid single run");
  }

  @Test
  void aListMultipliesOnlyTheMethodsItAffects() {
    List<SweepPoint> points =
        SweepPoints.expand(
            sweep(
                """
                methods: [at, trades, aft, arrest]
                tradesBetas: [1, 6]
                noisyReplayThresholdDegrees: [30, 45]\
                """));

    assertEquals(
        List.of("at", "trades beta=1", "trades beta=6", "aft", "arrest phi=30", "arrest phi=45"),
        points.stream().map(SweepPoint::label).toList());
    assertEquals(
        Map.of("finetuning.method", "trades", "finetuning.tradesBeta", 6.0),
        points.get(2).overrides());
    assertEquals(6.0, points.get(2).training().getSpec().finetuning.tradesBeta);
    assertEquals(FinetuningMethod.AT, points.get(0).method());
    assertEquals(
        Initialization.SCRATCH,
        points.get(0).training().getSpec().finetuning.effectiveInitialization());
    assertEquals(45.0, points.get(5).training().getSpec().finetuning.noisyReplay.thresholdDegrees);
  }

  @Test
  void explicitStepSizesKeepTheirRatioToEpsilon() {
    String base =
        MINIMAL.replace(
                "method: arrest",
                """
                method: arrest
                    attack: {epsilon: 0.1, stepSize: 0.03}\
                """)
            + """
              evaluation:
                attacks: [{type: pgd, steps: 20, stepSize: 0.01}, {type: pgd, steps: 10, epsilon: 0.1, stepSize: 0.02}]
              sweep:
                epsilons: [0.2]
            """;
    SweepPoint point = SweepPoints.expand(ArrestTrainingDocuments.parse(base, "t")).get(0);
    ArrestTrainingSpec spec = point.training().getSpec();
    assertEquals(0.06, spec.finetuning.attack.stepSize, 1e-12);
    assertEquals(
        0.02,
        spec.evaluation.attacks.get(0).stepSize,
        1e-12,
        "its budget follows the training epsilon");
    assertEquals(
        0.02,
        spec.evaluation.attacks.get(1).stepSize,
        "an attack with its own epsilon keeps its step");
    assertEquals(
        List.of(
            "finetuning.attack.epsilon",
            "finetuning.attack.stepSize",
            "evaluation.attacks[0].stepSize"),
        new ArrayList<>(point.overrides().keySet()));

    SweepPoint fixedBudget =
        SweepPoints.expand(
                ArrestTrainingDocuments.parse(
                    base.replace("  evaluation:\n", "  evaluation:\n    epsilon: 0.1\n"), "t"))
            .get(0);
    assertEquals(
        0.01,
        fixedBudget.training().getSpec().evaluation.attacks.get(0).stepSize,
        "evaluation at spec.evaluation.epsilon does not follow the training budget");
  }

  @Test
  void pretrainingIsNeededWhenAnyPointFinetunesThePretrainedModel() {
    assertFalse(SweepPoints.needsPretrainedModel(sweep("methods: [at, trades]")));
    assertTrue(SweepPoints.needsPretrainedModel(sweep("methods: [at, arrest]")));
    assertTrue(SweepPoints.needsPretrainedModel(ArrestTrainingDocuments.parse(MINIMAL, "single")));
  }

  @Test
  void pointByIdNamesTheValidIds() {
    ArrestTraining training = sweep("methods: [at, arrest]");
    assertEquals("arrest", SweepPoints.point(training, 1).label());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SweepPoints.point(training, 2));
    assertTrue(e.getMessage().contains("points 0 to 1 (0 at, 1 arrest)"), e.getMessage());
  }

  @Test
  void aReferenceFromTheSweepIsLeftToTheSweepAndAShippedOneKeptInEveryPoint() {
    String own =
        MINIMAL
            + """
              evaluation:
                tradeoff: {fromSweepMethods: [at], degree: 1}
              sweep:
                methods: [at, arrest]
                epsilons: [0.1, 0.2]
            """;
    for (SweepPoint point : SweepPoints.expand(ArrestTrainingDocuments.parse(own, "t"))) {
      assertNull(point.training().getSpec().evaluation.tradeoff, point.label());
    }
    SweepPoint shipped =
        SweepPoints.expand(
                ArrestTrainingDocuments.parse(
                    own.replace(
                        "{fromSweepMethods: [at], degree: 1}", "{reference: cifar10-linf-8255}"),
                    "t"))
            .get(0);
    assertEquals("cifar10-linf-8255", shipped.training().getSpec().evaluation.tradeoff.reference);
  }

  @Test
  void sweepProblemsNameTheirFields() {
    assertProblem(MINIMAL + "  sweep: {}\n", "spec.sweep: list values for at least one of methods");
    assertProblem(
        MINIMAL + "  sweep: {methods: []}\n",
        "spec.sweep.methods: must list at least 1 value, found 0");
    assertProblem(
        MINIMAL + "  sweep: {noisyReplayThresholdDegrees: [30, 190]}\n",
        "spec.sweep.noisyReplayThresholdDegrees[1]: must be <= 180, found 190");
    assertProblem(
        MINIMAL + "  sweep: {epsilons: [0]}\n", "spec.sweep.epsilons[0]: must be > 0, found 0");
    assertProblem(
        MINIMAL + "  sweep: {epsilons: [0.1, null]}\n", "spec.sweep.epsilons[1]: must not be null");
    assertProblem(
        MINIMAL + "  sweep: {rgkdWeights: [1, 0.5, 1.0]}\n",
        "spec.sweep.rgkdWeights: 1 is listed twice");
    assertProblem(
        MINIMAL + "  sweep: {tradesBetas: [1, 6]}\n",
        "spec.sweep.tradesBetas: only trades uses beta, and the sweep has no trades point (its"
            + " methods: arrest)");
    assertProblem(
        MINIMAL.replace("method: arrest", "method: arrest\n    noisyReplay: {enabled: false}")
            + "  sweep: {noisyReplayThresholdDegrees: [30, 45]}\n",
        "spec.sweep.noisyReplayThresholdDegrees: no arrest point uses noisy replay"
            + " (spec.finetuning.noisyReplay.enabled is false)");
    assertProblem(
        MINIMAL
            + "  sweep: {epsilons: [0.1, 0.2, 0.3, 0.4, 0.5], rgkdWeights: [1, 2, 3],"
            + " noisyReplayThresholdDegrees: [10, 20, 30, 40, 50]}\n",
        "spec.sweep: 75 points, more than the limit of 64");
    assertProblem(
        MINIMAL.replace("method: arrest", "method: at\n    initialization: scratch")
            + "  sweep: {methods: [at, arrest]}\n",
        "spec.sweep point 1 (arrest): spec.finetuning.initialization: arrest needs the pretrained"
            + " model");
  }

  @Test
  void aReferenceFromTheSweepNeedsEnoughPointsOfItsMethodsAndOthersToScore() {
    String at3 = "  sweep: {methods: [at, arrest], epsilons: [0.1, 0.2, 0.3]}\n";
    ArrestTrainingDocuments.parse(
        MINIMAL + "  evaluation:\n    tradeoff: {fromSweepMethods: [at]}\n" + at3, "ok");

    assertProblem(
        MINIMAL + "  evaluation:\n    tradeoff: {fromSweepMethods: [at]}\n",
        "spec.evaluation.tradeoff.fromSweepMethods: only a sweep has points of its own");
    assertProblem(
        MINIMAL + "  evaluation:\n    tradeoff: {fromSweepMethods: [trades]}\n" + at3,
        "spec.evaluation.tradeoff.fromSweepMethods: trades has no point in the sweep (its methods:"
            + " at, arrest)");
    assertProblem(
        MINIMAL + "  evaluation:\n    tradeoff: {fromSweepMethods: [at], degree: 3}\n" + at3,
        "spec.evaluation.tradeoff.fromSweepMethods: a degree-3 reference curve needs at least 4"
            + " points of at; the sweep has 3");
    assertProblem(
        MINIMAL
            + "  evaluation:\n    tradeoff: {fromSweepMethods: [at, arrest], degree: 1}\n"
            + at3,
        "spec.evaluation.tradeoff.fromSweepMethods: every point of the sweep would be a reference"
            + " point");
    assertProblem(
        MINIMAL
            + "  evaluation:\n"
            + "    tradeoff: {fromSweepMethods: [at], reference: cifar10-linf-8255}\n"
            + at3,
        "spec.evaluation.tradeoff: give exactly one of reference, points or fromSweepMethods");
  }

  @Test
  void arrestVariantsAreThePapersAblationsAndTakeOnlyTheListsTheyUse() {
    List<SweepPoint> points =
        SweepPoints.expand(
            sweep(
                """
                methods: [aft, arrest]
                arrestVariants: [aft+rgkd, aft+nr, arrest]
                noisyReplayThresholdDegrees: [30, 45]
                rgkdWeights: [4]\
                """));

    assertEquals(
        List.of(
            "aft",
            "aft+rgkd lambda=4",
            "aft+nr phi=30",
            "aft+nr phi=45",
            "arrest phi=30 lambda=4",
            "arrest phi=45 lambda=4"),
        points.stream().map(SweepPoint::label).toList());
    assertEquals("aft-rgkd-lambda-4", points.get(1).slug());
    ArrestTrainingSpec rgkdOnly = points.get(1).training().getSpec();
    assertTrue(rgkdOnly.finetuning.rgkd.enabled);
    assertFalse(rgkdOnly.finetuning.noisyReplay.enabled);
    assertEquals(FinetuningMethod.ARREST, rgkdOnly.finetuning.method);
    ArrestTrainingSpec nrOnly = points.get(3).training().getSpec();
    assertFalse(nrOnly.finetuning.rgkd.enabled);
    assertTrue(nrOnly.finetuning.noisyReplay.enabled);
    assertEquals(45.0, nrOnly.finetuning.noisyReplay.thresholdDegrees);
    assertEquals(false, points.get(3).overrides().get("finetuning.rgkd.enabled"));
    assertEquals(true, points.get(3).overrides().get("finetuning.noisyReplay.enabled"));
    ArrestTrainingSpec full = points.get(4).training().getSpec();
    assertTrue(full.finetuning.rgkd.enabled && full.finetuning.noisyReplay.enabled);
    assertNull(
        points.get(0).training().getSpec().sweep, "every point is a valid single run by itself");
  }

  @Test
  void fromScratchGivesTheScratchPointsTheirOwnEpochsAndOptimizer() {
    List<SweepPoint> points =
        SweepPoints.expand(
            sweep(
                """
                methods: [at, aft]
                fromScratch:
                  epochs: 6
                  optimizer: {learningRate: 0.05, schedule: piecewise, milestones: [0.5]}\
                """));

    ArrestTrainingSpec at = points.get(0).training().getSpec();
    assertEquals(6, at.finetuning.epochs);
    assertEquals(0.05, at.finetuning.optimizer.learningRate);
    assertEquals(6, points.get(0).overrides().get("finetuning.epochs"));
    assertEquals("piecewise", points.get(0).overrides().get("finetuning.optimizer.schedule"));
    assertEquals(List.of(0.5), points.get(0).overrides().get("finetuning.optimizer.milestones"));
    ArrestTrainingSpec aft = points.get(1).training().getSpec();
    assertEquals(10, aft.finetuning.epochs, "a pretrained start keeps spec.finetuning's budget");
    assertEquals(0.1, aft.finetuning.optimizer.learningRate);
    assertFalse(points.get(1).overrides().containsKey("finetuning.epochs"));
    assertEquals("at", points.get(0).label(), "the budget is not part of the label");
  }

  @Test
  void variantAndScratchProblemsNameTheirFields() {
    assertProblem(
        MINIMAL + "  sweep:\n    methods: [at, aft]\n    arrestVariants: [aft+nr]\n",
        "spec.sweep.arrestVariants: only arrest uses them");
    assertProblem(
        MINIMAL
            + "  sweep:\n    arrestVariants: [aft+rgkd]\n    noisyReplayThresholdDegrees: [30]\n",
        "spec.sweep.noisyReplayThresholdDegrees: no arrest point uses noisy replay"
            + " (spec.sweep.arrestVariants has no variant with it)");
    assertProblem(
        MINIMAL + "  sweep:\n    arrestVariants: [aft+nr]\n    rgkdWeights: [1]\n",
        "spec.sweep.rgkdWeights: no arrest point uses RGKD");
    assertProblem(
        MINIMAL + "  sweep:\n    arrestVariants: [arrest, arrest]\n",
        "spec.sweep.arrestVariants: arrest is listed twice");
    assertProblem(
        MINIMAL + "  sweep:\n    methods: [aft, arrest]\n    fromScratch: {epochs: 3}\n",
        "spec.sweep.fromScratch: no point trains from scratch");
    assertProblem(
        MINIMAL + "  sweep:\n    methods: [at, arrest]\n    fromScratch: {}\n",
        "spec.sweep.fromScratch: set epochs, optimizer, awp or several of them");
    assertProblem(
        MINIMAL + "  sweep:\n    methods: [at, arrest]\n    fromScratch: {epochs: 0}\n",
        "spec.sweep.fromScratch.epochs: must be >= 1");
  }

  private static void assertProblem(String document, String expectedPrefix) {
    SpecException e =
        assertThrows(SpecException.class, () -> ArrestTrainingDocuments.parse(document, "t"));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.startsWith(expectedPrefix)),
        "expected a problem starting with '" + expectedPrefix + "' in " + e.problems());
  }
}
