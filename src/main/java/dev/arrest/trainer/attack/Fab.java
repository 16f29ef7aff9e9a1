package dev.arrest.trainer.attack;

import dev.arrest.api.v1alpha1.Norm;
import dev.arrest.trainer.engine.Classifier;
import java.util.SplittableRandom;

/**
 * FAB, the fast adaptive boundary attack (Croce and Hein, ICML 2020), untargeted or targeted
 * (FAB-T, towards the classes with the 2nd, 3rd, ... largest clean logits). FAB looks for the
 * adversarial example of minimum norm; it counts here only if that norm is at most epsilon. The
 * first run starts at the clean image; further restarts start at a random point at distance epsilon
 * / 2, as in the reference code.
 */
public final class Fab extends RestartingAttack {
  /** Published defaults: maximal bias towards the clean image, overshoot, backward step. */
  public static final double ALPHA_MAX = 0.1;

  public static final double ETA = 1.05;
  public static final double BETA = 0.9;

  private final boolean targeted;
  private final ThreatModel threat;
  private final int iterations;
  private final int restarts;
  private final int targetClasses;
  private final ExampleRandom random;

  private Fab(Builder builder) {
    this.targeted = builder.targeted;
    this.threat = builder.threat;
    this.iterations = builder.iterations;
    this.restarts = builder.restarts;
    this.targetClasses = builder.targetClasses;
    this.random = builder.random;
  }

  /**
   * A builder with AutoAttack's standard settings: untargeted unless set, 100 iterations, one
   * restart, 9 target classes (FAB-T).
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return targeted ? "fab-t" : "fab";
  }

  @Override
  public ThreatModel threatModel() {
    return threat;
  }

  public boolean targeted() {
    return targeted;
  }

  /** Target classes per example (FAB-T), 0 for the untargeted attack. */
  @Override
  public int targetClasses() {
    return targeted ? targetClasses : 0;
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
    int classes = model.numClasses();
    if (targeted && classes < targetClasses + 1) {
      throw new IllegalArgumentException(
          "fab-t with "
              + targetClasses
              + " target classes needs at least "
              + (targetClasses + 1)
              + " classes, the model has "
              + classes);
    }
  }

  /** A first run from the clean images, further restarts from random points (the reference's). */
  @Override
  protected RunResult runOnce(SingleRun run) {
    float[] start =
        run.restart() == 0 ? run.clean() : randomStart(run.clean(), run.exampleIds(), run.run());
    FabRun.Result found =
        new FabRun(run.model(), threat, iterations, run.imageShape())
            .run(run.scope(), run.clean(), start, run.labels(), run.targets(), run.progress());
    boolean[] fooled = new boolean[run.size()];
    for (int j = 0; j < fooled.length; j++) {
      fooled[j] = found.norms()[j] <= threat.epsilon();
    }
    return new RunResult(fooled, found.adversarial());
  }

  /**
   * x + (eps / 2) t / ||t||, clipped to [0, 1]: the reference's restart point (t uniform, L-inf;
   * normal, L2).
   */
  private float[] randomStart(float[] clean, int[] ids, int run) {
    int pixels = clean.length / ids.length;
    float[] start = new float[clean.length];
    double[] t = new double[pixels];
    for (int e = 0; e < ids.length; e++) {
      SplittableRandom stream = random.stream(name(), ids[e], run);
      double length = 0;
      for (int i = 0; i < pixels; i++) {
        t[i] =
            threat.norm() == Norm.LINF ? stream.nextDouble(-1, 1) : ExampleRandom.gaussian(stream);
        length =
            threat.norm() == Norm.LINF ? Math.max(length, Math.abs(t[i])) : length + t[i] * t[i];
      }
      length = threat.norm() == Norm.LINF ? length : Math.sqrt(length);
      for (int i = 0; i < pixels; i++) {
        double value = clean[e * pixels + i] + 0.5 * threat.epsilon() * t[i] / length;
        start[e * pixels + i] = (float) Math.min(1, Math.max(0, value));
      }
    }
    return start;
  }

  /** Names every setting of a FAB attack; threat model and random streams are required. */
  public static final class Builder {
    private boolean targeted;
    private ThreatModel threat;
    private ExampleRandom random;
    private int iterations = AutoAttack.ITERATIONS;
    private int restarts = 1;
    private int targetClasses = AutoAttack.TARGET_CLASSES;

    private Builder() {}

    /** FAB-T, towards the classes of the 2nd, 3rd, ... largest clean logits. */
    public Builder optTargeted(boolean targeted) {
      this.targeted = targeted;
      return this;
    }

    public Builder setThreatModel(ThreatModel threat) {
      this.threat = threat;
      return this;
    }

    /** The per-example random streams of the restarts' starting points. */
    public Builder setRandom(ExampleRandom random) {
      this.random = random;
      return this;
    }

    public Builder optIterations(int iterations) {
      this.iterations = iterations;
      return this;
    }

    /** Runs per example (per example and target class for FAB-T). */
    public Builder optRestarts(int restarts) {
      this.restarts = restarts;
      return this;
    }

    /** FAB-T only (ignored otherwise): how many target classes to try. */
    public Builder optTargetClasses(int targetClasses) {
      this.targetClasses = targetClasses;
      return this;
    }

    public Fab build() {
      AttackSettings.required("FAB", "threat model", threat);
      AttackSettings.required("FAB", "random", random);
      AttackSettings.atLeastOne("FAB", "iterations", iterations);
      AttackSettings.atLeastOne("FAB", "restarts", restarts);
      if (targeted) {
        AttackSettings.atLeastOne("FAB-T", "targetClasses", targetClasses);
      }
      return new Fab(this);
    }
  }
}
