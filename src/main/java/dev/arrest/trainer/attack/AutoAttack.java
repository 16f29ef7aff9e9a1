package dev.arrest.trainer.attack;

import dev.arrest.api.v1alpha1.AutoAttackVersion;
import java.util.List;

/**
 * The AutoAttack ensembles (Croce and Hein, ICML 2020) with the reference code's settings per
 * version. The attacks run in the order listed, each on the examples still robust after the
 * previous ones.
 *
 * <ul>
 *   <li>standard: APGD-CE, APGD-T (9 targets), FAB-T (9 targets), Square (5000 queries); 100
 *       iterations and one restart for APGD and FAB;
 *   <li>plus: APGD-CE and APGD-DLR with 5 restarts, FAB with 5 restarts, Square, APGD-T, FAB-T;
 *   <li>rand: APGD-CE and APGD-DLR with 20 EOT iterations per gradient, for randomized defenses.
 * </ul>
 *
 * <p>With fewer than 10 classes, the targeted attacks use every other class (classes - 1 targets).
 */
public final class AutoAttack {
  public static final int ITERATIONS = 100;
  public static final int SQUARE_QUERIES = 5000;
  public static final int TARGET_CLASSES = 9;
  public static final int PLUS_RESTARTS = 5;
  public static final int RAND_EOT_ITERATIONS = 20;

  private AutoAttack() {}

  public static List<EvaluationAttack> attacks(
      AutoAttackVersion version, ThreatModel threat, int classes, ExampleRandom random) {
    int targets = Math.min(TARGET_CLASSES, classes - 1);
    if (version != AutoAttackVersion.RAND && classes < 4) {
      throw new IllegalArgumentException(
          "AutoAttack "
              + version
              + " needs at least 4 classes for the targeted DLR"
              + " loss of APGD-T; the model has "
              + classes);
    }
    if (version == AutoAttackVersion.RAND && classes < 3) {
      throw new IllegalArgumentException(
          "AutoAttack rand needs at least 3 classes for the DLR loss; the model has " + classes);
    }
    return switch (version) {
      case STANDARD ->
          List.of(
              apgd(Apgd.Loss.CROSS_ENTROPY, threat, random).build(),
              apgd(Apgd.Loss.TARGETED_DLR, threat, random).optTargetClasses(targets).build(),
              fab(true, threat, random).optTargetClasses(targets).build(),
              square(threat, random));
      case PLUS ->
          List.of(
              apgd(Apgd.Loss.CROSS_ENTROPY, threat, random).optRestarts(PLUS_RESTARTS).build(),
              apgd(Apgd.Loss.DLR, threat, random).optRestarts(PLUS_RESTARTS).build(),
              fab(false, threat, random).optRestarts(PLUS_RESTARTS).build(),
              square(threat, random),
              apgd(Apgd.Loss.TARGETED_DLR, threat, random).optTargetClasses(targets).build(),
              fab(true, threat, random).optTargetClasses(targets).build());
      case RAND ->
          List.of(
              apgd(Apgd.Loss.CROSS_ENTROPY, threat, random)
                  .optEotIterations(RAND_EOT_ITERATIONS)
                  .build(),
              apgd(Apgd.Loss.DLR, threat, random).optEotIterations(RAND_EOT_ITERATIONS).build());
    };
  }

  /** The builders start from the standard settings: 100 iterations, 1 restart, 5000 queries. */
  private static Apgd.Builder apgd(Apgd.Loss loss, ThreatModel threat, ExampleRandom random) {
    return Apgd.builder().setLoss(loss).setThreatModel(threat).setRandom(random);
  }

  private static Fab.Builder fab(boolean targeted, ThreatModel threat, ExampleRandom random) {
    return Fab.builder().optTargeted(targeted).setThreatModel(threat).setRandom(random);
  }

  private static SquareAttack square(ThreatModel threat, ExampleRandom random) {
    return SquareAttack.builder().setThreatModel(threat).setRandom(random).build();
  }
}
