package dev.arrest.trainer.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arrest.api.v1alpha1.AutoAttackVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ensembles match the reference code's set_version for each version. */
class AutoAttackTest {
  private static final ThreatModel THREAT = ThreatModel.linf(8 / 255.0);

  private static String describe(EvaluationAttack attack) {
    String extra = "";
    if (attack instanceof Apgd apgd) {
      extra = " targets=" + apgd.targetClasses() + " eot=" + apgd.eotIterations();
    } else if (attack instanceof Fab fab) {
      extra = " targets=" + fab.targetClasses();
    }
    return attack.name() + " it=" + attack.iterations() + " restarts=" + attack.restarts() + extra;
  }

  private static List<String> ensemble(AutoAttackVersion version, int classes) {
    return AutoAttack.attacks(version, THREAT, classes, new ExampleRandom(0)).stream()
        .map(AutoAttackTest::describe)
        .toList();
  }

  @Test
  void standard() {
    assertEquals(
        List.of(
            "apgd-ce it=100 restarts=1 targets=0 eot=1",
            "apgd-t it=100 restarts=1 targets=9 eot=1",
            "fab-t it=100 restarts=1 targets=9",
            "square it=5000 restarts=1"),
        ensemble(AutoAttackVersion.STANDARD, 10));
  }

  @Test
  void plus() {
    assertEquals(
        List.of(
            "apgd-ce it=100 restarts=5 targets=0 eot=1",
            "apgd-dlr it=100 restarts=5 targets=0 eot=1",
            "fab it=100 restarts=5 targets=0",
            "square it=5000 restarts=1",
            "apgd-t it=100 restarts=1 targets=9 eot=1",
            "fab-t it=100 restarts=1 targets=9"),
        ensemble(AutoAttackVersion.PLUS, 100));
  }

  @Test
  void rand() {
    assertEquals(
        List.of(
            "apgd-ce it=100 restarts=1 targets=0 eot=20",
            "apgd-dlr it=100 restarts=1 targets=0 eot=20"),
        ensemble(AutoAttackVersion.RAND, 10));
  }

  @Test
  void fewerClassesMeanFewerTargetsAndTooFewAreRefused() {
    assertEquals(
        "apgd-t it=100 restarts=1 targets=4 eot=1", ensemble(AutoAttackVersion.STANDARD, 5).get(1));
    assertThrows(IllegalArgumentException.class, () -> ensemble(AutoAttackVersion.STANDARD, 3));
    assertThrows(IllegalArgumentException.class, () -> ensemble(AutoAttackVersion.RAND, 2));
  }
}
