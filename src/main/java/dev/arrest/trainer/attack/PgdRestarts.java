package dev.arrest.trainer.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import dev.arrest.api.v1alpha1.EvaluationAttackSpec;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.loss.Losses;

/**
 * L-inf PGD on cross-entropy with a uniform random start, repeated {@code restarts} times on the
 * examples that earlier restarts did not break. PGD draws its starts from the engine's generator,
 * which is seeded per batch and restart.
 */
public final class PgdRestarts extends RestartingAttack {
  private final PgdAttack pgd;
  private final ThreatModel threat;
  private final int restarts;
  private final int steps;
  private final double stepSize;
  private final long seed;

  private PgdRestarts(Builder builder) {
    this.threat = builder.threat;
    this.steps = builder.steps;
    this.stepSize = builder.stepSize != null ? builder.stepSize : 2.5 * threat.epsilon() / steps;
    this.restarts = builder.restarts;
    this.seed = builder.seed;
    this.pgd = new PgdAttack(threat.epsilon(), stepSize, steps, PgdAttack.Start.UNIFORM);
  }

  /**
   * A builder with the evaluation defaults: 20 steps of 2.5 epsilon / steps (Madry et al.), one
   * restart, seed 0.
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "pgd";
  }

  @Override
  public ThreatModel threatModel() {
    return threat;
  }

  @Override
  public int iterations() {
    return steps;
  }

  @Override
  public int restarts() {
    return restarts;
  }

  public double stepSize() {
    return stepSize;
  }

  /**
   * PGD draws its random starts from the engine's generator for the whole batch at once, seeded per
   * batch and restart, so every restart attacks the whole batch to keep those draws.
   */
  @Override
  protected boolean attacksWholeBatch() {
    return true;
  }

  @Override
  protected RunResult runOnce(SingleRun run) {
    int first = run.size() == 0 ? 0 : run.exampleIds()[0];
    Engine.getInstance()
        .setRandomSeed((int) (((seed * 31 + first) * 1009 + run.restart()) & 0x7fffffff));
    NDArray images = run.cleanImages();
    NDArray labels = run.scope().create(run.labels());
    NDArray adversarial =
        pgd.perturb(
            run.model(),
            images,
            out -> Losses.crossEntropy(out.logits(), labels).sum(),
            // Which examples PGD has fooled is known only at the end of the run (one more forward).
            stepsDone -> run.progress().iterationsDone(stepsDone, 0));
    adversarial.attach(run.scope());
    // PgdAttack unfreezes the parameters when it ends; the template keeps them frozen.
    run.model().setFrozen(true);
    float[] logits = run.model().forward(adversarial, false).logits().toFloatArray();
    int classes = logits.length / run.size();
    boolean[] fooled = new boolean[run.size()];
    for (int e = 0; e < fooled.length; e++) {
      fooled[e] = ClassRanking.predicted(logits, e, classes) != run.labels()[e];
    }
    return new RunResult(fooled, adversarial.toFloatArray());
  }

  /** Names every setting of the PGD evaluation attack; the threat model is required. */
  public static final class Builder {
    private ThreatModel threat;
    private int steps = EvaluationAttackSpec.PGD_STEPS;
    private Double stepSize;
    private int restarts = 1;
    private long seed;

    private Builder() {}

    /** L-inf only. */
    public Builder setThreatModel(ThreatModel threat) {
      this.threat = threat;
      return this;
    }

    public Builder optSteps(int steps) {
      this.steps = steps;
      return this;
    }

    /** The step size; 2.5 epsilon / steps when unset. */
    public Builder optStepSize(double stepSize) {
      this.stepSize = stepSize;
      return this;
    }

    public Builder optRestarts(int restarts) {
      this.restarts = restarts;
      return this;
    }

    /** Seeds the engine's generator per batch and restart. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public PgdRestarts build() {
      AttackSettings.required("PGD", "threat model", threat);
      if (threat.norm() != Norm.LINF) {
        throw new IllegalArgumentException("pgd supports linf only; use apgd-ce for l2");
      }
      AttackSettings.atLeastOne("PGD", "steps", steps);
      AttackSettings.atLeastOne("PGD", "restarts", restarts);
      return new PgdRestarts(this);
    }
  }
}
