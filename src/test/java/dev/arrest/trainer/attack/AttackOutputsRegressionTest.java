package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.trainer.testing.TinyMlp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Pins what every attack returns for a seeded batch on a fixed untrained model, so that a
 * restructuring of the attacks cannot silently change an evaluation's results. The values were
 * captured before the attacks shared one restart template; each fingerprint is the number of
 * misclassified candidates, the L1 size of the perturbations and a position-weighted checksum of
 * the candidates. The sizes are compared to within {@link #L1_TOLERANCE} and {@link
 * #CHECKSUM_TOLERANCE}: float32 round-off differs between machines of one type (on one with
 * AVX-512, apgd-ce/linf's L1 came out 9.4e-4 and its checksum 2.8e-3 away from the values captured
 * on another; every other attack within 1e-5), while a changed random draw or step moves them by
 * far more (another seed moves every APGD and Square fingerprint by 0.07 or more in L1; the closest
 * two different attacks here are 8.6e-3 apart in L1 and 2.4 in checksum).
 */
class AttackOutputsRegressionTest {
  private static final int SIZE = 12;
  private static final double L1_TOLERANCE = 4e-3;
  private static final double CHECKSUM_TOLERANCE = 2e-2;

  @Test
  void everyAttackReturnsTheSameCandidatesAsBeforeTheRestartTemplate() {
    try (NDManager manager = NDManager.newBaseManager();
        TinyMlp model = TinyMlp.trainedOnBands(manager, 0, 3)) {
      NDArray images = manager.create(images(), new Shape(SIZE, 1, 28, 28));
      long[] labels = AttackTesting.predictions(model, images);
      // Two examples are clean-misclassified, which attacks treat differently from robust ones.
      labels[3] = (labels[3] + 1) % 10;
      labels[8] = (labels[8] + 3) % 10;
      NDArray labelArray = manager.create(labels);
      Map<String, String> found = new LinkedHashMap<>();
      for (Map.Entry<String, Supplier<EvaluationAttack>> attack : attacks().entrySet()) {
        NDArray candidates =
            attack
                .getValue()
                .get()
                .perturb(
                    model,
                    new AttackBatch(
                        images, labelArray, AttackTesting.range(SIZE), new AttackDiagnostics()));
        found.put(attack.getKey(), fingerprint(model, images, candidates, labels));
      }
      Map<String, String> expected = expected();
      assertAll(
          expected.keySet().stream()
              .map(name -> () -> assertClose(expected.get(name), found.get(name), name)));
      assertEquals(expected.keySet(), found.keySet());
    }
  }

  private static Map<String, Supplier<EvaluationAttack>> attacks() {
    Map<String, Supplier<EvaluationAttack>> attacks = new LinkedHashMap<>();
    for (ThreatModel threat : new ThreatModel[] {ThreatModel.linf(0.02), ThreatModel.l2(0.3)}) {
      String norm = threat.norm().toString();
      ExampleRandom random = new ExampleRandom(7);
      attacks.put(
          "apgd-ce/" + norm,
          () ->
              Apgd.builder()
                  .setLoss(Apgd.Loss.CROSS_ENTROPY)
                  .setThreatModel(threat)
                  .setRandom(random)
                  .optIterations(10)
                  .optRestarts(2)
                  .build());
      attacks.put(
          "apgd-dlr/" + norm,
          () ->
              Apgd.builder()
                  .setLoss(Apgd.Loss.DLR)
                  .setThreatModel(threat)
                  .setRandom(random)
                  .optIterations(10)
                  .optEotIterations(2)
                  .build());
      attacks.put(
          "apgd-t/" + norm,
          () ->
              Apgd.builder()
                  .setLoss(Apgd.Loss.TARGETED_DLR)
                  .setThreatModel(threat)
                  .setRandom(random)
                  .optIterations(10)
                  .optTargetClasses(3)
                  .build());
      attacks.put(
          "fab/" + norm,
          () ->
              Fab.builder()
                  .setThreatModel(threat)
                  .setRandom(random)
                  .optIterations(10)
                  .optRestarts(2)
                  .build());
      attacks.put(
          "fab-t/" + norm,
          () ->
              Fab.builder()
                  .optTargeted(true)
                  .setThreatModel(threat)
                  .setRandom(random)
                  .optIterations(10)
                  .optRestarts(2)
                  .optTargetClasses(3)
                  .build());
      attacks.put(
          "square/" + norm,
          () ->
              SquareAttack.builder()
                  .setThreatModel(threat)
                  .setRandom(random)
                  .optQueries(100)
                  .optRestarts(2)
                  .build());
    }
    attacks.put(
        "pgd/linf",
        () ->
            PgdRestarts.builder()
                .setThreatModel(ThreatModel.linf(0.02))
                .optSteps(5)
                .optStepSize(0.005)
                .optRestarts(2)
                .optSeed(11)
                .build());
    return attacks;
  }

  private static Map<String, String> expected() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("apgd-ce/linf", "11 113.443082 18942.770595");
    expected.put("apgd-dlr/linf", "11 98.301406 18944.300871");
    expected.put("apgd-t/linf", "11 101.754802 18944.153752");
    expected.put("fab/linf", "11 34.745997 18952.019588");
    expected.put("fab-t/linf", "11 35.067800 18951.184336");
    expected.put("square/linf", "5 38.111315 18974.544230");
    expected.put("apgd-ce/l2", "11 54.310090 18945.379790");
    expected.put("apgd-dlr/l2", "11 54.512699 18947.437271");
    expected.put("apgd-t/l2", "11 54.318696 18947.814367");
    expected.put("fab/l2", "11 22.240509 18951.827641");
    expected.put("fab-t/l2", "11 22.414042 18951.807834");
    expected.put("square/l2", "5 10.230159 18954.559475");
    expected.put("pgd/linf", "11 122.934254 18946.852146");
    return expected;
  }

  private static float[] images() {
    SplittableRandom random = new SplittableRandom(5);
    float[] pixels = new float[SIZE * 784];
    for (int i = 0; i < pixels.length; i++) {
      // A third of the pixels saturated at 0 or 1, where the box is tighter than the ball.
      pixels[i] = (float) Math.min(1, Math.max(0, random.nextDouble() * 1.6 - 0.3));
    }
    return pixels;
  }

  private static String fingerprint(
      TinyMlp model, NDArray images, NDArray candidates, long[] labels) {
    long[] predicted = AttackTesting.predictions(model, candidates);
    int fooled = 0;
    for (int e = 0; e < SIZE; e++) {
      fooled += predicted[e] != labels[e] ? 1 : 0;
    }
    float[] clean = images.toFloatArray();
    float[] adversarial = candidates.toFloatArray();
    double l1 = 0;
    double checksum = 0;
    for (int i = 0; i < clean.length; i++) {
      l1 += Math.abs(adversarial[i] - clean[i]);
      checksum += adversarial[i] * (i % 7 + 1);
    }
    return String.format(java.util.Locale.ROOT, "%d %.6f %.6f", fooled, l1, checksum);
  }

  private static void assertClose(String expected, String found, String attack) {
    String[] want = expected.split(" ");
    String[] got = found.split(" ");
    assertEquals(want[0], got[0], attack + ": misclassified candidates");
    assertEquals(
        Double.parseDouble(want[1]), Double.parseDouble(got[1]), L1_TOLERANCE, attack + ": L1");
    assertEquals(
        Double.parseDouble(want[2]),
        Double.parseDouble(got[2]),
        CHECKSUM_TOLERANCE,
        attack + ": checksum");
  }
}
