package dev.arrest.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.ArrestTraining;
import dev.arrest.api.v1alpha1.ArrestTrainingSpec;
import dev.arrest.api.v1alpha1.EvaluationSubset;
import dev.arrest.api.v1alpha1.FinetuningMethod;
import dev.arrest.api.v1alpha1.FinetuningSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The specs behind docs/reproduction.md must stay comparable: the full-test-set evaluation
 * re-evaluates the reproduction's own models, and the equal-adversarial-epochs baselines differ
 * from the reproduction's only in their budget.
 */
class ReproductionSpecsTest {
  private static ArrestTraining read(String name) {
    return ArrestTrainingDocuments.read(Path.of("examples", name));
  }

  private static String json(Object spec) {
    return dev.arrest.results.ResultsJson.toJson(spec);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"fashion-mnist-reproduction", "fashion-mnist-baselines-equal-adversarial-epochs"})
  void eachFullTestSetRunDiffersFromItsRunOnlyInItsEvaluation(String run) {
    ArrestTrainingSpec original = read(run + ".yaml").getSpec();
    ArrestTrainingSpec fullTest = read(run + "-full-test.yaml").getSpec();
    assertNull(fullTest.evaluation.samples, "every test image");
    assertEquals(
        List.of("pgd-20"), fullTest.evaluation.attacks.stream().map(a -> a.displayName()).toList());
    assertEquals(
        json(original.evaluation.tradeoff),
        json(fullTest.evaluation.tradeoff),
        "scored against the same reference");
    fullTest.evaluation = original.evaluation;
    assertEquals(json(original), json(fullTest));
    List<SweepPoint> points = SweepPoints.expand(read(run + ".yaml"));
    List<SweepPoint> fullTestPoints = SweepPoints.expand(read(run + "-full-test.yaml"));
    assertEquals(
        points.stream().map(SweepPoint::directoryName).toList(),
        fullTestPoints.stream().map(SweepPoint::directoryName).toList(),
        "the same point directories, so the trained stages can be reused");
  }

  @Test
  void theEqualAdversarialEpochsBaselinesDifferOnlyInTheirBudget() {
    ArrestTrainingSpec reproduction = read("fashion-mnist-reproduction.yaml").getSpec();
    ArrestTrainingSpec baselines =
        read("fashion-mnist-baselines-equal-adversarial-epochs.yaml").getSpec();
    assertEquals(reproduction.finetuning.epochs, baselines.finetuning.epochs);
    assertNull(baselines.sweep.fromScratch.epochs, "as many adversarial epochs as aft and arrest");
    assertEquals(
        json(reproduction.sweep.fromScratch.optimizer),
        json(baselines.sweep.fromScratch.optimizer));
    assertEquals(json(reproduction.finetuning.attack), json(baselines.finetuning.attack));
    assertEquals(json(reproduction.dataset), json(baselines.dataset));
    assertEquals(reproduction.seed, baselines.seed);
    assertEquals(reproduction.evaluation.samples, baselines.evaluation.samples);
    assertEquals(json(reproduction.evaluation.attacks), json(baselines.evaluation.attacks));
    assertEquals(reproduction.sweep.tradesBetas, baselines.sweep.tradesBetas);
  }

  /**
   * Reproduction v2's finetuned points (examples/reproduction-v2) differ only in length, points and
   * AWP; they start from the committed pretrained model and train and evaluate as step 2's AT does.
   */
  @Test
  void theReproductionV2SpecsDifferOnlyInWhatTheyCompare() {
    ArrestTrainingSpec longest = read("reproduction-v2/finetune-10.yaml").getSpec();
    for (String name : List.of("finetune-2", "finetune-5", "arrest-awp-10")) {
      ArrestTrainingSpec other = read("reproduction-v2/" + name + ".yaml").getSpec();
      other.finetuning.epochs = longest.finetuning.epochs;
      other.finetuning.awp = longest.finetuning.awp;
      other.sweep = longest.sweep;
      assertEquals(json(longest), json(other), name);
    }
    assertEquals("docs/reproduction/v2/pretrain/model.params", longest.pretraining.checkpoint);
    assertTrue(Files.isRegularFile(Path.of(longest.pretraining.checkpoint)), "committed");
    ArrestTrainingSpec at = read("reproduction-v2/at.yaml").getSpec();
    assertEquals(json(at.finetuning.attack), json(longest.finetuning.attack));
    assertEquals(json(at.evaluation), json(longest.evaluation));
    assertEquals(json(at.dataset), json(longest.dataset));
    assertEquals(at.seed, longest.seed);
  }

  /** Reproduction v2's AutoAttack twins reuse their run's trained stages (run.sh copies them). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "finetune-2",
        "finetune-5",
        "finetune-10",
        "arrest-awp-10",
        "scratch-30",
        "scratch-30-eps",
        "scratch-awp-30",
        "scratch-30-lr",
        "scratch-10"
      })
  void eachReproductionV2AutoAttackTwinDiffersFromItsRunOnlyInItsEvaluation(String run) {
    ArrestTraining trained = read("reproduction-v2/" + run + ".yaml");
    ArrestTraining twin = read("reproduction-v2/" + run + "-autoattack.yaml");
    ArrestTrainingSpec spec = twin.getSpec();
    List<String> diverged = DIVERGED.getOrDefault(run, List.of());
    assertEquals(1000, spec.evaluation.samples);
    assertEquals(EvaluationSubset.STRATIFIED, spec.evaluation.subset);
    assertEquals(trained.getSpec().evaluation.subsetSeed, spec.evaluation.subsetSeed);
    assertEquals(trained.getSpec().evaluation.epsilon, spec.evaluation.epsilon);
    assertEquals(
        List.of("autoattack"),
        spec.evaluation.attacks.stream().map(a -> a.type.toString()).toList());
    if (trained.getSpec().sweep != null) {
      List<SweepPoint> twinPoints = SweepPoints.expand(twin);
      assertEquals(
          SweepPoints.expand(trained).stream()
              .map(SweepPoint::directoryName)
              .filter(point -> !diverged.contains(point))
              .toList(),
          twinPoints.stream().map(SweepPoint::directoryName).toList());
      for (SweepPoint point : twinPoints) {
        ArrestTrainingSpec evaluated = point.training().getSpec();
        ArrestTrainingSpec same = point(run, point.label());
        evaluated.evaluation = same.evaluation;
        assertEquals(json(same), json(evaluated), point.label() + " is its run's point");
      }
    }
    spec.evaluation = trained.getSpec().evaluation;
    if (!diverged.isEmpty()) {
      spec.sweep.methods = trained.getSpec().sweep.methods;
    }
    assertEquals(json(trained.getSpec()), json(spec));
  }

  /**
   * Points whose training diverged (docs/reproduction.md, step 8): their twin leaves them out, as
   * they have no model to evaluate.
   */
  private static final Map<String, List<String>> DIVERGED =
      Map.of("scratch-awp-30", List.of("01-trades-awp"));

  /**
   * Step 8b trains scratch-awp-30's trades+awp again, at the learning rate of TRADES' MNIST setting
   * (its 0.05 diverged), beside trades without AWP at the same rate: the same spec but for the
   * learning rate and the points.
   */
  @Test
  void theReproductionV2LowerLearningRateTradesDiffersFromScratchAwp30OnlyInItsRateAndPoints() {
    ArrestTrainingSpec awp = read("reproduction-v2/scratch-awp-30.yaml").getSpec();
    ArrestTraining lower = read("reproduction-v2/scratch-30-lr.yaml");
    assertEquals(
        List.of("trades+awp", "trades"),
        SweepPoints.expand(lower).stream().map(SweepPoint::label).toList());
    ArrestTrainingSpec spec = lower.getSpec();
    assertEquals(0.01, spec.finetuning.optimizer.learningRate);
    spec.finetuning.optimizer.learningRate = awp.finetuning.optimizer.learningRate;
    spec.sweep = awp.sweep;
    assertEquals(json(awp), json(spec));
  }

  /**
   * Reproduction v2's from-scratch baselines: scratch-30's at point is step 2's at.yaml, the same
   * spec (so its fingerprint, and run.sh reuses that run's stages), and the AWP and 10-epoch
   * baselines differ from scratch-30 only in AWP, length and points.
   */
  @Test
  void theReproductionV2FromScratchBaselinesAreStep2sAtAndDifferOnlyInWhatTheyCompare() {
    ArrestTraining scratch = read("reproduction-v2/scratch-30.yaml");
    SweepPoint at = SweepPoints.expand(scratch).get(0);
    assertEquals("00-at", at.directoryName(), "the directory run.sh copies step 2's stages into");
    assertEquals(json(read("reproduction-v2/at.yaml").getSpec()), json(at.training().getSpec()));
    assertEquals(
        List.of("at", "trades beta=6", "trades beta=1", "trades beta=3"),
        SweepPoints.expand(scratch).stream().map(SweepPoint::label).toList());
    ArrestTrainingSpec longest = scratch.getSpec();
    ArrestTrainingSpec awp = read("reproduction-v2/scratch-awp-30.yaml").getSpec();
    assertEquals(0.005, awp.finetuning.awp.gamma);
    assertEquals(
        List.of("at+awp", "trades+awp"),
        SweepPoints.expand(read("reproduction-v2/scratch-awp-30.yaml")).stream()
            .map(SweepPoint::label)
            .toList());
    assertEquals(
        json(read("reproduction-v2/arrest-awp-10.yaml").getSpec().finetuning.awp),
        json(awp.finetuning.awp),
        "one AWP setting for every AWP point");
    ArrestTrainingSpec equalCompute = read("reproduction-v2/scratch-10.yaml").getSpec();
    assertEquals(
        read("reproduction-v2/finetune-10.yaml").getSpec().finetuning.epochs,
        equalCompute.finetuning.epochs,
        "as many adversarial epochs as the finetuned points");
    for (ArrestTrainingSpec other : List.of(awp, equalCompute)) {
      other.finetuning.epochs = longest.finetuning.epochs;
      other.finetuning.awp = longest.finetuning.awp;
      other.finetuning.tradesBeta = longest.finetuning.tradesBeta;
      other.sweep = longest.sweep;
      assertEquals(json(longest), json(other));
    }
  }

  /**
   * Reproduction v2's point left of at (scratch-30-eps) is scratch-30's at point trained at a
   * larger epsilon, with its step size in the same ratio, and evaluated (test curve included) at
   * the epsilon of every other point.
   */
  @Test
  void theReproductionV2LargerEpsilonAtDiffersFromScratch30sAtOnlyInItsTrainingEpsilon() {
    ArrestTraining wider = read("reproduction-v2/scratch-30-eps.yaml");
    List<SweepPoint> points = SweepPoints.expand(wider);
    assertEquals(List.of("at eps=0.15"), points.stream().map(SweepPoint::label).toList());
    ArrestTrainingSpec point = points.get(0).training().getSpec();
    ArrestTrainingSpec at =
        SweepPoints.expand(read("reproduction-v2/scratch-30.yaml")).get(0).training().getSpec();
    assertEquals(0.15, point.finetuning.attack.epsilon);
    assertEquals(0.0375, point.finetuning.attack.stepSize, 1e-12, "2.5 epsilon / 10, as at's");
    assertEquals(0.1, point.evaluation.epsilon, "evaluated at the budget of every other point");
    point.finetuning.attack.epsilon = at.finetuning.attack.epsilon;
    point.finetuning.attack.stepSize = at.finetuning.attack.stepSize;
    assertEquals(json(at), json(point));
  }

  /**
   * Reproduction v2's timing run (equal wall-clock time across machines) trains every kind of stage
   * of the plan with the plan's work per image: the same batch, attack, TRADES beta, RGKD, noisy
   * replay, AWP and starting point; only the data (6000 images), the epochs (one) and the learning
   * rates differ.
   */
  @Test
  void theReproductionV2TimingRunDoesThePlansWorkPerImageForEveryKindOfStage() {
    ArrestTraining timing = read("reproduction-v2/timing.yaml");
    Map<String, ArrestTrainingSpec> timed = new HashMap<>();
    for (SweepPoint point : SweepPoints.expand(timing)) {
      timed.put(point.label(), point.training().getSpec());
      assertEquals(1, point.training().getSpec().finetuning.epochs, point.label());
    }
    Map<String, ArrestTrainingSpec> plan = new LinkedHashMap<>();
    plan.put("at", point("scratch-30", "at"));
    plan.put("trades", point("scratch-30", "trades beta=6"));
    plan.put("at+awp", point("scratch-awp-30", "at+awp"));
    plan.put("trades+awp", point("scratch-30-lr", "trades+awp"));
    plan.put("aft", point("finetune-10", "aft"));
    plan.put("aft+rgkd", point("finetune-10", "aft+rgkd"));
    plan.put("aft+nr", point("finetune-10", "aft+nr phi=37.5"));
    plan.put("arrest", point("finetune-10", "arrest phi=37.5"));
    plan.put("arrest+awp", read("reproduction-v2/arrest-awp-10.yaml").getSpec());
    plan.forEach(
        (kind, stage) -> {
          assertTrue(timed.containsKey(kind), "no timing point " + kind + " in " + timed.keySet());
          assertEquals(workPerImage(stage), workPerImage(timed.get(kind)), kind);
        });
    ArrestTrainingSpec pretrain = read("reproduction-v2/pretrain.yaml").getSpec();
    assertEquals(6000, timing.getSpec().dataset.trainSubset);
    assertEquals(1, timing.getSpec().pretraining.epochs);
    assertEquals(pretrain.pretraining.batchSize, timing.getSpec().pretraining.batchSize);
    assertEquals(json(pretrain.model), json(timing.getSpec().model));
  }

  private static ArrestTrainingSpec point(String run, String label) {
    return SweepPoints.expand(read("reproduction-v2/" + run + ".yaml")).stream()
        .filter(p -> p.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new AssertionError(label + " is not a point of " + run))
        .training()
        .getSpec();
  }

  /** What an epoch of this spec computes per image (not the settings its method ignores). */
  private static String workPerImage(ArrestTrainingSpec spec) {
    FinetuningSpec finetuning = spec.finetuning;
    Map<String, Object> work = new LinkedHashMap<>();
    work.put("dataset", spec.dataset.name);
    work.put("augment", spec.dataset.augment);
    work.put("model", spec.model);
    work.put("method", finetuning.method);
    work.put("initialization", finetuning.initialization);
    work.put("batchSize", finetuning.batchSize);
    work.put("attack", finetuning.attack);
    if (finetuning.method == FinetuningMethod.TRADES) {
      work.put("tradesBeta", finetuning.tradesBeta);
    }
    if (finetuning.method == FinetuningMethod.ARREST && finetuning.rgkd.enabled) {
      work.put("rgkd", finetuning.rgkd);
    }
    if (finetuning.method == FinetuningMethod.ARREST && finetuning.noisyReplay.enabled) {
      work.put("noisyReplay", finetuning.noisyReplay);
    }
    if (finetuning.awp != null && finetuning.awp.gamma > 0) {
      work.put("awp", finetuning.awp);
    }
    return json(work);
  }

  /** run.sh runs every spec of examples/reproduction-v2, and only those. */
  @Test
  void theReproductionV2ScriptRunsEverySpec() throws IOException {
    Path directory = Path.of("examples/reproduction-v2");
    String script = Files.readString(directory.resolve("run.sh"));
    List<String> twinsOf = ReproductionScript.autoAttackRuns();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path spec : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        String name = spec.getFileName().toString().replace(".yaml", "");
        boolean twin = name.endsWith("-autoattack");
        String run = name.replace("-autoattack", "");
        assertTrue(
            twin
                ? twinsOf.contains(run)
                : script.contains("/" + name + ".yaml")
                    || script
                        .lines()
                        .anyMatch(l -> l.matches("(.* \\|\\| )?run " + name + "( .*)?")),
            "run.sh does not run " + spec);
      }
    }
  }

  /** Every point the script's claim pairs name is a point of the run it names. */
  @Test
  void theReproductionV2ClaimPairsNamePointsThatExist() throws IOException {
    List<String> labels = ReproductionScript.claimPairs().stream().flatMap(Stream::of).toList();
    // 15 pairs: 9 for the claims, 6 against scratch-10/at (the one reference point at 10 epochs).
    assertEquals(30, labels.size(), labels.toString());
    for (String label : labels) {
      int slash = label.indexOf('/');
      String run = slash < 0 ? label : label.substring(0, slash);
      ArrestTraining training = read("reproduction-v2/" + run + ".yaml");
      if (slash < 0) {
        assertNull(training.getSpec().sweep, label + ": a single run is labelled by its directory");
      } else {
        assertTrue(
            SweepPoints.expand(training).stream()
                .anyMatch(p -> p.label().equals(label.substring(slash + 1))),
            label + " is not a point of " + run);
      }
    }
  }
}
