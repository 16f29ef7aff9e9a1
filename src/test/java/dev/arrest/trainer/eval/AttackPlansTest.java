package dev.arrest.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arrest.api.v1alpha1.AttackType;
import dev.arrest.api.v1alpha1.AutoAttackVersion;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.attack.Apgd;
import dev.arrest.trainer.attack.ThreatModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttackPlansTest {

  private static EvaluationAttackSpec spec(AttackType type) {
    EvaluationAttackSpec spec = new EvaluationAttackSpec();
    spec.type = type;
    return spec;
  }

  @Test
  void attacksTakeTheEvaluationDefaultsUnlessTheySetTheirOwn() {
    EvaluationAttackSpec pgd = spec(AttackType.PGD);
    EvaluationAttackSpec l2 = spec(AttackType.APGD_CE);
    l2.norm = Norm.L2;
    l2.epsilon = 0.5;
    List<PlannedAttack> plans = AttackPlans.from(List.of(pgd, l2), 0.1, Norm.LINF, 10, 0);
    assertEquals(ThreatModel.linf(0.1), plans.get(0).attack().threatModel());
    assertEquals(2.5 * 0.1 / 20, plans.get(0).stepSize(), 1e-12);
    assertEquals(20, plans.get(0).attack().iterations());
    assertEquals(ThreatModel.l2(0.5), plans.get(1).attack().threatModel());
    assertNull(plans.get(1).stepSize());
    assertEquals(100, plans.get(1).attack().iterations());
    assertEquals(
        List.of("pgd-20", "apgd-ce-100-l2"), plans.stream().map(PlannedAttack::name).toList());
  }

  @Test
  void autoattackExpandsIntoItsComponentsUnderItsName() {
    EvaluationAttackSpec plus = spec(AttackType.AUTOATTACK);
    plus.version = AutoAttackVersion.PLUS;
    List<PlannedAttack> plans = AttackPlans.from(List.of(plus), 8 / 255.0, Norm.LINF, 10, 0);
    assertEquals(
        List.of(
            "autoattack-plus/apgd-ce",
            "autoattack-plus/apgd-dlr",
            "autoattack-plus/fab",
            "autoattack-plus/square",
            "autoattack-plus/apgd-t",
            "autoattack-plus/fab-t"),
        plans.stream().map(PlannedAttack::name).toList());
    assertEquals(
        List.of("apgd-ce", "apgd-dlr", "fab", "square", "apgd-t", "fab-t"),
        plans.stream().map(PlannedAttack::type).toList());
    assertEquals(
        List.of(true, true, true, false, true, true),
        plans.stream().map(PlannedAttack::whiteBox).toList());
  }

  @Test
  void targetedAttacksNeverAskForMoreTargetsThanThereAreOtherClasses() {
    EvaluationAttackSpec apgdT = spec(AttackType.APGD_T);
    Apgd attack = (Apgd) AttackPlans.from(List.of(apgdT), 0.1, Norm.LINF, 5, 0).get(0).attack();
    assertEquals(4, attack.targetClasses());
  }

  @Test
  void squareIsTheOnlyBlackBoxAttack() {
    for (AttackType type : AttackType.values()) {
      if (type == AttackType.AUTOATTACK) {
        continue;
      }
      PlannedAttack plan = AttackPlans.from(List.of(spec(type)), 0.1, Norm.LINF, 10, 0).get(0);
      if (type == AttackType.SQUARE) {
        assertFalse(plan.whiteBox());
      } else {
        assertTrue(plan.whiteBox(), type.toString());
      }
    }
  }
}
