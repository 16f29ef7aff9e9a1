package dev.arrest.trainer.train;

import ai.djl.engine.Engine;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.data.ImageBatch;
import dev.arrest.trainer.engine.TrainableClassifier;
import dev.arrest.trainer.optim.LearningRateSchedule;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.progress.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the epochs of a training stage: batches through a {@link TrainingObjective} and SGD updates
 * on a schedule, firing {@link TrainingListener} events on the way. What happens around the
 * training (checkpoints and resumption, the divergence check, progress) is done by listeners, as in
 * DJL's {@code EasyTrain}. Build one with {@link #builder()}.
 */
public final class TrainingLoop {
  private final Stage stage;
  private final TrainableClassifier network;
  private final SgdOptimizer optimizer;
  private final LearningRateSchedule schedule;
  private final TrainingObjective objective;
  private final DataLoader data;
  private final int epochs;
  private final long seed;
  private final AdversarialWeightPerturbation weightPerturbation;
  private final List<TrainingListener> listeners;

  private TrainingLoop(Builder builder) {
    this.stage = builder.stage;
    this.network = builder.network;
    this.optimizer = builder.optimizer;
    this.schedule = builder.schedule;
    this.objective = builder.objective;
    this.data = builder.data;
    this.epochs = builder.epochs;
    this.seed = builder.seed;
    this.weightPerturbation = builder.weightPerturbation;
    this.listeners = List.copyOf(builder.listeners);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Trains the remaining epochs and returns the metrics of all epochs, restored ones included. */
  public List<EpochMetrics> run() {
    TrainingRun run = new TrainingRun(stage, epochs, network, optimizer);
    listeners.forEach(l -> l.onTrainingBegin(run));
    for (int epoch = run.nextEpoch(); epoch <= epochs; epoch++) {
      EpochMetrics metrics = trainEpoch(run, epoch);
      run.epochDone(metrics);
      listeners.forEach(l -> l.onEpoch(run, metrics));
    }
    return run.history();
  }

  private EpochMetrics trainEpoch(TrainingRun run, int epoch) {
    Engine.getInstance().setRandomSeed(epochSeed(seed, stage, epoch));
    int batches = data.batchesPerEpoch();
    long firstStep = (long) (epoch - 1) * batches;
    EpochAccumulator accumulator = new EpochAccumulator();
    long start = System.nanoTime();
    double learningRate = schedule.at(firstStep);
    listeners.forEach(l -> l.onEpochBegin(run, epoch, batches));
    boolean perturbed = weightPerturbation != null && weightPerturbation.activeIn(epoch);
    TrainingObjective.Backprop backprop =
        perturbed ? weightPerturbation.around(network) : Backpropagation::run;
    try {
      int b = 0;
      for (ImageBatch batch : data.epoch(network.manager(), epoch)) {
        double stepLearningRate = schedule.at(firstStep + b);
        learningRate = stepLearningRate;
        b++;
        try (batch) {
          StepMetrics step =
              objective.computeGradients(network, batch.images(), batch.labels(), backprop);
          accumulator.add(step);
          TrainingListener.BatchEvent event =
              new TrainingListener.BatchEvent(epoch, b, step, accumulator.running());
          listeners.forEach(l -> l.onTrainingBatch(run, event));
          network.applyUpdate(() -> optimizer.step(stepLearningRate));
        }
      }
    } finally {
      listeners.forEach(l -> l.onEpochClosed(run, epoch));
    }
    return accumulator.finish(
        epoch,
        learningRate,
        (System.nanoTime() - start) / 1e9,
        perturbed ? weightPerturbation.gamma() : null);
  }

  /** Distinct, reproducible randomness for every (seed, stage, epoch). */
  static int epochSeed(long seed, Stage stage, int epoch) {
    long mixed = seed * 0x9E3779B97F4A7C15L + (stage.ordinal() + 1) * 0xBF58476D1CE4E5B9L + epoch;
    return (int) ((mixed ^ (mixed >>> 31)) & 0x7fffffffL);
  }

  /**
   * Names every part of a training loop. The stage, network, optimizer, schedule, objective, data
   * and number of epochs are required; the seed defaults to 0. Every loop checks for divergence
   * first; {@link #optCheckpoints}, {@link #optProgress} and {@link #addTrainingListeners} add
   * listeners after it, in that call order.
   */
  public static final class Builder {
    private Stage stage;
    private TrainableClassifier network;
    private SgdOptimizer optimizer;
    private LearningRateSchedule schedule;
    private TrainingObjective objective;
    private DataLoader data;
    private int epochs;
    private long seed;
    private AdversarialWeightPerturbation weightPerturbation;
    private final List<TrainingListener> listeners =
        new ArrayList<>(List.of(new DivergenceListener()));

    private Builder() {}

    public Builder setStage(Stage stage) {
      this.stage = stage;
      return this;
    }

    public Builder setNetwork(TrainableClassifier network) {
      this.network = network;
      return this;
    }

    /** The optimizer updating {@link TrainableClassifier#parameters} of the network. */
    public Builder setOptimizer(SgdOptimizer optimizer) {
      this.optimizer = optimizer;
      return this;
    }

    public Builder setSchedule(LearningRateSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    public Builder setObjective(TrainingObjective objective) {
      this.objective = objective;
      return this;
    }

    public Builder setData(DataLoader data) {
      this.data = data;
      return this;
    }

    /** The number of epochs the stage trains in all, resumed ones included. */
    public Builder setEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    /** Seeds the engine at every epoch start, from (seed, stage, epoch). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Computes each step's gradients at adversarially perturbed weights in the epochs where {@code
     * awp} is active ({@link AdversarialWeightPerturbation}); without it, or with null, at the
     * weights themselves.
     */
    public Builder optWeightPerturbation(AdversarialWeightPerturbation awp) {
      this.weightPerturbation = awp;
      return this;
    }

    /**
     * Resumes from and writes per-epoch checkpoints in {@code directory} ({@link
     * CheckpointListener}).
     *
     * @param fingerprint identifies the configuration this stage trains with
     */
    public Builder optCheckpoints(Path directory, String fingerprint, ProgressListener log) {
      listeners.add(new CheckpointListener(directory, fingerprint, log::info));
      return this;
    }

    /** Shows the epochs and batches on {@code progress} ({@link ProgressReporter}). */
    public Builder optProgress(ProgressListener progress) {
      listeners.add(new ProgressReporter(progress));
      return this;
    }

    public Builder addTrainingListeners(TrainingListener... added) {
      listeners.addAll(List.of(added));
      return this;
    }

    /**
     * @throws IllegalStateException when a required part is missing
     */
    public TrainingLoop build() {
      require(stage, "setStage");
      require(network, "setNetwork");
      require(optimizer, "setOptimizer");
      require(schedule, "setSchedule");
      require(objective, "setObjective");
      require(data, "setData");
      if (epochs < 1) {
        throw new IllegalStateException(
            "TrainingLoop needs setEpochs with at least 1 epoch, found " + epochs);
      }
      return new TrainingLoop(this);
    }

    private static void require(Object part, String setter) {
      if (part == null) {
        throw new IllegalStateException("TrainingLoop is missing " + setter + "(...)");
      }
    }
  }
}
