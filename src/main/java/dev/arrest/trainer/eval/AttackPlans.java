package dev.arrest.trainer.eval;

import dev.arrest.api.v1alpha1.AttackType;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.attack.Apgd;
import dev.arrest.trainer.attack.AutoAttack;
import dev.arrest.trainer.attack.EvaluationAttack;
import dev.arrest.trainer.attack.ExampleRandom;
import dev.arrest.trainer.attack.Fab;
import dev.arrest.trainer.attack.PgdRestarts;
import dev.arrest.trainer.attack.SquareAttack;
import dev.arrest.trainer.attack.ThreatModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the spec's evaluation attacks into attacks to run, expanding each autoattack entry into its
 * components.
 */
public final class AttackPlans {
  private AttackPlans() {}

  /**
   * @param defaultEpsilon budget of attacks that set none
   * @param defaultNorm norm of attacks that set none
   * @param classes the model's number of classes (targeted attacks try at most classes - 1 targets)
   * @param seed keys every attack's random streams, together with the attack's unique name
   */
  public static List<PlannedAttack> from(
      List<EvaluationAttackSpec> specs,
      double defaultEpsilon,
      Norm defaultNorm,
      int classes,
      long seed) {
    List<PlannedAttack> plans = new ArrayList<>();
    ExampleRandom random = new ExampleRandom(seed);
    for (EvaluationAttackSpec spec : specs) {
      ThreatModel threat =
          new ThreatModel(
              spec.norm != null ? spec.norm : defaultNorm,
              spec.epsilon != null ? spec.epsilon : defaultEpsilon);
      String name = spec.displayName();
      if (spec.type == AttackType.AUTOATTACK) {
        for (EvaluationAttack component :
            AutoAttack.attacks(spec.effectiveVersion(), threat, classes, random.derive(name))) {
          plans.add(
              new PlannedAttack(
                  name + "/" + component.name(),
                  component.name(),
                  component,
                  null,
                  !(component instanceof SquareAttack)));
        }
        continue;
      }
      int steps = spec.effectiveSteps();
      int targets = Math.min(spec.effectiveTargetClasses(), classes - 1);
      ExampleRandom streams = random.derive(name);
      EvaluationAttack attack =
          switch (spec.type) {
            case PGD ->
                PgdRestarts.builder()
                    .setThreatModel(threat)
                    .optSteps(steps)
                    .optStepSize(
                        spec.stepSize != null ? spec.stepSize : 2.5 * threat.epsilon() / steps)
                    .optRestarts(spec.restarts)
                    .optSeed(seed)
                    .build();
            case APGD_CE -> apgd(Apgd.Loss.CROSS_ENTROPY, threat, spec, steps, 0, streams);
            case APGD_DLR -> apgd(Apgd.Loss.DLR, threat, spec, steps, 0, streams);
            case APGD_T -> apgd(Apgd.Loss.TARGETED_DLR, threat, spec, steps, targets, streams);
            case FAB -> fab(false, threat, spec, steps, 0, streams);
            case FAB_T -> fab(true, threat, spec, steps, targets, streams);
            case SQUARE ->
                SquareAttack.builder()
                    .setThreatModel(threat)
                    .setRandom(streams)
                    .optQueries(steps)
                    .optRestarts(spec.restarts)
                    .build();
            case AUTOATTACK -> throw new AssertionError("expanded above");
          };
      Double stepSize = attack instanceof PgdRestarts pgd ? pgd.stepSize() : null;
      plans.add(
          new PlannedAttack(
              name, spec.type.toString(), attack, stepSize, spec.type != AttackType.SQUARE));
    }
    return plans;
  }

  private static Apgd apgd(
      Apgd.Loss loss,
      ThreatModel threat,
      EvaluationAttackSpec spec,
      int steps,
      int targets,
      ExampleRandom streams) {
    Apgd.Builder builder =
        Apgd.builder()
            .setLoss(loss)
            .setThreatModel(threat)
            .setRandom(streams)
            .optIterations(steps)
            .optRestarts(spec.restarts)
            .optEotIterations(spec.effectiveEotIterations());
    return loss == Apgd.Loss.TARGETED_DLR
        ? builder.optTargetClasses(targets).build()
        : builder.build();
  }

  private static Fab fab(
      boolean targeted,
      ThreatModel threat,
      EvaluationAttackSpec spec,
      int steps,
      int targets,
      ExampleRandom streams) {
    Fab.Builder builder =
        Fab.builder()
            .optTargeted(targeted)
            .setThreatModel(threat)
            .setRandom(streams)
            .optIterations(steps)
            .optRestarts(spec.restarts);
    return targeted ? builder.optTargetClasses(targets).build() : builder.build();
  }
}
