package dev.arrest.trainer.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.loss.Losses;
import java.util.SplittableRandom;

/**
 * Auto-PGD (Croce and Hein, ICML 2020) on cross-entropy (APGD-CE), on the DLR loss (APGD-DLR) or on
 * the targeted DLR loss towards each of the top {@code targetClasses} other classes (APGD-T), with
 * random restarts. Every run attacks only the examples that all earlier runs failed to break.
 *
 * <p>Runs start at {@code x + eps * t / ||t||} with t uniform in [-1, 1]^d (L-inf) or standard
 * normal (L2), clipped to [0, 1]; t comes from each example's own random stream. APGD-T's targets
 * are the classes with the 2nd, 3rd, ... largest clean logits, attacked in that order.
 */
public final class Apgd extends RestartingAttack {
  /**
   * The reference code's default rho, the fraction of increasing steps below which the step size is
   * halved.
   */
  public static final double RHO = 0.75;

  /** The loss APGD maximizes. */
  public enum Loss {
    CROSS_ENTROPY("apgd-ce"),
    DLR("apgd-dlr"),
    TARGETED_DLR("apgd-t");

    private final String attackName;

    Loss(String attackName) {
      this.attackName = attackName;
    }
  }

  private final Loss loss;
  private final ThreatModel threat;
  private final int iterations;
  private final int restarts;
  private final int targetClasses;
  private final int eotIterations;
  private final ExampleRandom random;

  private Apgd(Builder builder) {
    this.loss = builder.loss;
    this.threat = builder.threat;
    this.iterations = builder.iterations;
    this.restarts = builder.restarts;
    this.targetClasses = builder.targetClasses;
    this.eotIterations = builder.eotIterations;
    this.random = builder.random;
  }

  /**
   * A builder with AutoAttack's standard settings: 100 iterations, one restart, 9 target classes
   * (APGD-T), one gradient per iteration.
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return loss.attackName;
  }

  @Override
  public ThreatModel threatModel() {
    return threat;
  }

  public Loss loss() {
    return loss;
  }

  /** Target classes per example (APGD-T), 0 for the untargeted losses. */
  @Override
  public int targetClasses() {
    return loss == Loss.TARGETED_DLR ? targetClasses : 0;
  }

  public int eotIterations() {
    return eotIterations;
  }

  @Override
  public int iterations() {
    return iterations;
  }

  @Override
  public int restarts() {
    return restarts;
  }

  @Override
  protected void checkModel(Classifier model) {
    checkClasses(model.numClasses());
  }

  @Override
  protected RunResult runOnce(SingleRun run) {
    NDManager scope = run.scope();
    NDArray x = run.cleanImages();
    NDArray y = scope.create(run.labels());
    NDArray start =
        scope.create(randomStart(run.clean(), run.exampleIds(), run.run()), x.getShape());
    PerExampleLoss objective =
        objective(y, run.targets() == null ? null : scope.create(run.targets()));
    int[] ids = run.exampleIds();
    ApgdRun.Result found =
        new ApgdRun(run.model(), threat, iterations, RHO, eotIterations)
            .run(
                x,
                y,
                start,
                objective,
                position -> run.batch().diagnostics().zeroGradient(ids[position]),
                run.progress());
    return new RunResult(found.fooled(), found.adversarial());
  }

  private PerExampleLoss objective(NDArray labels, NDArray targets) {
    return switch (loss) {
      case CROSS_ENTROPY -> logits -> Losses.crossEntropy(logits, labels);
      case DLR -> logits -> DlrLoss.untargeted(logits, labels);
      case TARGETED_DLR -> logits -> DlrLoss.targeted(logits, labels, targets);
    };
  }

  /** x + eps * t / ||t||, clipped to [0, 1], per example from its own random stream. */
  private float[] randomStart(float[] clean, int[] ids, int run) {
    int pixels = clean.length / ids.length;
    float[] start = new float[clean.length];
    double[] direction = new double[pixels];
    for (int e = 0; e < ids.length; e++) {
      SplittableRandom stream = random.stream(name(), ids[e], run);
      double length = 0;
      for (int i = 0; i < pixels; i++) {
        direction[i] =
            threat.norm() == Norm.LINF ? stream.nextDouble(-1, 1) : ExampleRandom.gaussian(stream);
        length =
            threat.norm() == Norm.LINF
                ? Math.max(length, Math.abs(direction[i]))
                : length + direction[i] * direction[i];
      }
      length = threat.norm() == Norm.LINF ? length : Math.sqrt(length);
      for (int i = 0; i < pixels; i++) {
        double value = clean[e * pixels + i] + threat.epsilon() * direction[i] / (length + 1e-12);
        start[e * pixels + i] = (float) Math.min(1, Math.max(0, value));
      }
    }
    return start;
  }

  private void checkClasses(int classes) {
    int needed =
        switch (loss) {
          case CROSS_ENTROPY -> 2;
          case DLR -> 3;
          case TARGETED_DLR -> Math.max(4, targetClasses + 1);
        };
    if (classes < needed) {
      throw new IllegalArgumentException(
          name()
              + (loss == Loss.TARGETED_DLR ? " with " + targetClasses + " target classes" : "")
              + " needs at least "
              + needed
              + " classes, the model has "
              + classes);
    }
  }

  /** Names every setting of an APGD attack; loss, threat model and random streams are required. */
  public static final class Builder {
    private Loss loss;
    private ThreatModel threat;
    private ExampleRandom random;
    private int iterations = AutoAttack.ITERATIONS;
    private int restarts = 1;
    private int targetClasses = AutoAttack.TARGET_CLASSES;
    private int eotIterations = 1;

    private Builder() {}

    public Builder setLoss(Loss loss) {
      this.loss = loss;
      return this;
    }

    public Builder setThreatModel(ThreatModel threat) {
      this.threat = threat;
      return this;
    }

    /** The per-example random streams of the starting points. */
    public Builder setRandom(ExampleRandom random) {
      this.random = random;
      return this;
    }

    public Builder optIterations(int iterations) {
      this.iterations = iterations;
      return this;
    }

    /** Runs per example (per example and target class for APGD-T). */
    public Builder optRestarts(int restarts) {
      this.restarts = restarts;
      return this;
    }

    /** APGD-T only (ignored otherwise): how many target classes to try. */
    public Builder optTargetClasses(int targetClasses) {
      this.targetClasses = targetClasses;
      return this;
    }

    /** Gradients averaged per iteration; more than 1 only for randomized models. */
    public Builder optEotIterations(int eotIterations) {
      this.eotIterations = eotIterations;
      return this;
    }

    public Apgd build() {
      AttackSettings.required("APGD", "loss", loss);
      AttackSettings.required("APGD", "threat model", threat);
      AttackSettings.required("APGD", "random", random);
      AttackSettings.atLeastOne("APGD", "iterations", iterations);
      AttackSettings.atLeastOne("APGD", "restarts", restarts);
      AttackSettings.atLeastOne("APGD", "eotIterations", eotIterations);
      if (loss == Loss.TARGETED_DLR) {
        AttackSettings.atLeastOne("APGD-T", "targetClasses", targetClasses);
      }
      return new Apgd(this);
    }
  }
}
