package dev.arrest.trainer.attack;

/**
 * Square (Andriushchenko, Croce, Flammarion and Hein, ECCV 2020): a score-based black-box random
 * search that uses only the model's logits, never its gradients, which makes it the ensemble's
 * check against gradient masking. It minimizes the margin z_y - max_{k != y} z_k and stops on an
 * example as soon as it is misclassified.
 */
public final class SquareAttack extends RestartingAttack {
  /**
   * Published initial fraction of pixels a square covers; AutoAttack runs Square with 5000 queries.
   */
  public static final double P_INIT = 0.8;

  private final ThreatModel threat;
  private final int queries;
  private final int restarts;
  private final ExampleRandom random;

  private SquareAttack(Builder builder) {
    this.threat = builder.threat;
    this.queries = builder.queries;
    this.restarts = builder.restarts;
    this.random = builder.random;
  }

  /** A builder with AutoAttack's standard settings: 5000 queries, one restart. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "square";
  }

  @Override
  public ThreatModel threatModel() {
    return threat;
  }

  @Override
  public int iterations() {
    return queries;
  }

  @Override
  public int restarts() {
    return restarts;
  }

  @Override
  protected String progressUnit() {
    return "queries";
  }

  @Override
  protected RunResult runOnce(SingleRun run) {
    SquareRun.Result found =
        new SquareRun(run.model(), threat, queries, run.imageShape())
            .run(
                run.scope(),
                run.clean(),
                run.labels(),
                random.streams(name(), run.exampleIds(), run.restart()),
                run.progress());
    return new RunResult(found.fooled(), found.adversarial());
  }

  /** Names every setting of a Square attack; threat model and random streams are required. */
  public static final class Builder {
    private ThreatModel threat;
    private ExampleRandom random;
    private int queries = AutoAttack.SQUARE_QUERIES;
    private int restarts = 1;

    private Builder() {}

    public Builder setThreatModel(ThreatModel threat) {
      this.threat = threat;
      return this;
    }

    /** The per-example random streams of the searches. */
    public Builder setRandom(ExampleRandom random) {
      this.random = random;
      return this;
    }

    /** Queries (iterations) per run. */
    public Builder optQueries(int queries) {
      this.queries = queries;
      return this;
    }

    public Builder optRestarts(int restarts) {
      this.restarts = restarts;
      return this;
    }

    public SquareAttack build() {
      AttackSettings.required("Square", "threat model", threat);
      AttackSettings.required("Square", "random", random);
      AttackSettings.atLeastOne("Square", "queries", queries);
      AttackSettings.atLeastOne("Square", "restarts", restarts);
      return new SquareAttack(this);
    }
  }
}
