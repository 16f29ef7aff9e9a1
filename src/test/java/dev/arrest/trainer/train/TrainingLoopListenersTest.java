package dev.arrest.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.arrest.api.v1alpha1.OptimizerSpec;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.optim.LearningRateSchedule;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.testing.TinyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop's events, and the listeners that checkpoint, stop a diverging run and record
 * the epochs of one that fails.
 */
class TrainingLoopListenersTest {
  private NDManager manager;
  private Network network;
  private DataLoader loader;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(3);
    network = TinyData.smallCnn(manager);
    loader = DataLoader.builder(TinyData.bands(16, 2), 8).shuffle(false).build();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private TrainingLoop.Builder loop(Stage stage, TrainingObjective objective, int epochs) {
    OptimizerSpec spec = new OptimizerSpec();
    return TrainingLoop.builder()
        .setStage(stage)
        .setNetwork(network)
        .setOptimizer(new SgdOptimizer(network.parameters(), 0.9, 0, false, network.manager()))
        .setSchedule(new LearningRateSchedule(spec, epochs, loader.batchesPerEpoch()))
        .setObjective(objective)
        .setData(loader)
        .setEpochs(epochs);
  }

  /** Writes every event it receives as one line. */
  private static final class Recorder implements TrainingListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onTrainingBegin(TrainingRun run) {
      events.add("begin " + run.nextEpoch());
    }

    @Override
    public void onEpochBegin(TrainingRun run, int epoch, int batches) {
      events.add("epoch " + epoch + " of " + batches + " batches");
    }

    @Override
    public void onTrainingBatch(TrainingRun run, BatchEvent batch) {
      events.add("batch " + batch.epoch() + "." + batch.batch() + " " + batch.running().examples());
    }

    @Override
    public void onEpochClosed(TrainingRun run, int epoch) {
      events.add("closed " + epoch);
    }

    @Override
    public void onEpoch(TrainingRun run, EpochMetrics metrics) {
      events.add("done " + metrics.epoch() + " history " + run.history().size());
    }
  }

  @Test
  void firesEventsInOrderAndCheckpointsEveryEpoch(@TempDir Path dir) {
    Recorder recorder = new Recorder();

    List<EpochMetrics> history =
        loop(Stage.PRETRAIN, new CleanObjective(), 2)
            .optCheckpoints(dir, "f", ProgressListener.NONE)
            .addTrainingListeners(recorder)
            .build()
            .run();

    assertEquals(2, history.size());
    assertEquals(
        List.of(
            "begin 1",
            "epoch 1 of 2 batches",
            "batch 1.1 8",
            "batch 1.2 16",
            "closed 1",
            "done 1 history 1",
            "epoch 2 of 2 batches",
            "batch 2.1 8",
            "batch 2.2 16",
            "closed 2",
            "done 2 history 2"),
        recorder.events);
    assertTrue(Files.isRegularFile(dir.resolve("epoch-0001/state.json")));
    assertTrue(Files.isRegularFile(dir.resolve("epoch-0002/state.json")));

    Recorder resumed = new Recorder();
    List<EpochMetrics> again =
        loop(Stage.PRETRAIN, new CleanObjective(), 2)
            .optCheckpoints(dir, "f", ProgressListener.NONE)
            .addTrainingListeners(resumed)
            .build()
            .run();
    assertEquals(history, again);
    assertEquals(List.of("begin 3"), resumed.events);
  }

  @Test
  void aNonFiniteLossStopsBeforeTheUpdateNamingTheLearningRate() {
    TrainingObjective diverging = divergingAfter(0);
    List<float[]> before = weights(network);
    Recorder recorder = new Recorder();

    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () -> loop(Stage.FINETUNE, diverging, 1).addTrainingListeners(recorder).build().run());

    assertTrue(
        error.getMessage().contains("loss became NaN at epoch 1, batch 1"), error.getMessage());
    assertTrue(
        error.getMessage().contains("spec.finetuning.optimizer.learningRate"), error.getMessage());
    List<float[]> after = weights(network);
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i), "parameter " + i + " was updated");
    }
    // The divergence check runs first, so later listeners do not see the batch, but they do see the
    // epoch close (the progress display ends its bar there).
    assertEquals(List.of("begin 1", "epoch 1 of 2 batches", "closed 1"), recorder.events);
  }

  @Test
  void aRunThatFailsLeavesTheEpochsItCompletedInTheRecordedHistory(@TempDir Path dir) {
    // Two batches per epoch: the loss diverges at epoch 2's first batch.
    TrainingObjective diverging = divergingAfter(2);
    List<EpochMetrics> recorded = new ArrayList<>();

    assertThrows(
        IllegalStateException.class,
        () ->
            loop(Stage.FINETUNE, diverging, 3)
                .optCheckpoints(dir, "f", ProgressListener.NONE)
                .addTrainingListeners(new EpochHistoryRecorder(recorded))
                .build()
                .run());

    assertEquals(1, recorded.size());
    assertEquals(1, recorded.get(0).epoch());

    // Resumed from epoch 1's checkpoint, it fails again at once: the restored epoch is recorded.
    List<EpochMetrics> resumed = new ArrayList<>(List.of(recorded.get(0), recorded.get(0)));
    assertThrows(
        IllegalStateException.class,
        () ->
            loop(Stage.FINETUNE, diverging, 3)
                .optCheckpoints(dir, "f", ProgressListener.NONE)
                .addTrainingListeners(new EpochHistoryRecorder(resumed))
                .build()
                .run());
    assertEquals(recorded, resumed);
  }

  @Test
  void buildNamesAMissingPart() {
    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () -> TrainingLoop.builder().setStage(Stage.PRETRAIN).setNetwork(network).build());

    assertTrue(error.getMessage().contains("setOptimizer"), error.getMessage());
  }

  /** The clean objective, but its loss is NaN from the step after the first {@code steps}. */
  private static TrainingObjective divergingAfter(int steps) {
    AtomicInteger taken = new AtomicInteger();
    return (student, images, labels, backprop) -> {
      StepMetrics step = new CleanObjective().computeGradients(student, images, labels, backprop);
      if (taken.getAndIncrement() < steps) {
        return step;
      }
      return new StepMetrics(
          step.examples(),
          Double.NaN,
          step.crossEntropySum(),
          step.rgkdSum(),
          step.tradesKlSum(),
          step.noisyReplaySwitched(),
          step.cleanCorrect(),
          step.adversarialCorrect());
    };
  }

  private static List<float[]> weights(Network network) {
    List<float[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : network.parameters()) {
      values.add(p.getValue().getArray().toFloatArray());
    }
    return values;
  }
}
