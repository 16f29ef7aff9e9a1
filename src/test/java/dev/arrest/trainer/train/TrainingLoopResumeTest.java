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
import dev.arrest.results.EpochTest;
import dev.arrest.results.Stage;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.optim.LearningRateSchedule;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.progress.ProgressListener;
import dev.arrest.trainer.testing.TinyData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopResumeTest {
  private static final int EPOCHS = 3;
  private final ImageDataset data = TinyData.bands(96, 1);
  private NDManager manager;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  /** Simulates the process dying right after a checkpoint was written. */
  private static final class Crash extends RuntimeException {}

  private List<EpochMetrics> train(
      Path checkpoints, String fingerprint, int crashAfterEpoch, Network[] out) {
    return train(checkpoints, fingerprint, crashAfterEpoch, out, null);
  }

  private List<EpochMetrics> train(
      Path checkpoints,
      String fingerprint,
      int crashAfterEpoch,
      Network[] out,
      EpochEvaluator evaluator) {
    Engine.getInstance().setRandomSeed(11);
    Network network = TinyData.smallCnn(manager);
    out[0] = network;
    OptimizerSpec spec = new OptimizerSpec();
    spec.learningRate = 0.05;
    DataLoader loader = DataLoader.builder(data, 32).shuffle(true).seed(5).build();
    SgdOptimizer optimizer =
        new SgdOptimizer(
            network.parameters(), spec.momentum, spec.weightDecay, false, network.manager());
    ProgressListener crashing =
        new ProgressListener() {
          @Override
          public void epochFinished(Stage stage, int epochs, EpochMetrics metrics) {
            if (metrics.epoch() == crashAfterEpoch) {
              throw new Crash();
            }
          }
        };
    return TrainingLoop.builder()
        .setStage(Stage.PRETRAIN)
        .setNetwork(network)
        .setOptimizer(optimizer)
        .setSchedule(new LearningRateSchedule(spec, EPOCHS, loader.batchesPerEpoch()))
        .setObjective(new CleanObjective())
        .setData(loader)
        .setEpochs(EPOCHS)
        .optSeed(42)
        .optEpochEvaluation(evaluator)
        .optCheckpoints(checkpoints, fingerprint, crashing)
        .optProgress(crashing)
        .build()
        .run();
  }

  private static List<float[]> weights(Network network) {
    List<float[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : network.parameters()) {
      values.add(p.getValue().getArray().toFloatArray());
    }
    return values;
  }

  @Test
  void aResumedRunEndsExactlyWhereAnUninterruptedOneDoes(@TempDir Path dir) throws IOException {
    Network[] straight = new Network[1];
    List<EpochMetrics> expected = train(dir.resolve("a"), "f", -1, straight);

    Network[] crashed = new Network[1];
    assertThrows(Crash.class, () -> train(dir.resolve("b"), "f", 2, crashed));
    Network[] resumed = new Network[1];
    List<EpochMetrics> history = train(dir.resolve("b"), "f", -1, resumed);

    assertEquals(EPOCHS, history.size());
    assertEquals(
        expected.get(2).loss(), history.get(2).loss(), 1e-5, "epoch 3 trained on the same data");
    for (int e = 0; e < 2; e++) {
      assertEquals(
          expected.get(e).loss(),
          history.get(e).loss(),
          "epoch " + (e + 1) + " comes from the checkpoint");
      assertEquals(expected.get(e).trainCleanAccuracy(), history.get(e).trainCleanAccuracy());
    }
    List<float[]> a = weights(straight[0]);
    List<float[]> b = weights(resumed[0]);
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), 1e-5f, "parameter " + i);
    }
    assertTrue(
        expected.get(2).trainCleanAccuracy() > expected.get(0).trainCleanAccuracy(), "it learns");
    try (Stream<Path> kept = Files.list(dir.resolve("b"))) {
      assertEquals(
          List.of("epoch-0002", "epoch-0003"),
          kept.map(p -> p.getFileName().toString()).sorted().toList(),
          "keeps the two newest complete checkpoints");
    }
  }

  /** A stand-in measurement that depends on the weights: the sum of the first parameter. */
  private static final EpochEvaluator WEIGHT_SUM =
      network -> {
        try (ai.djl.ndarray.NDArray sum = network.parameters().get(0).getValue().getArray().sum()) {
          return new EpochTest(7, Math.abs(sum.getFloat()) % 1, null, null, 0.5);
        }
      };

  @Test
  void epochTestsAreCheckpointedWithTheirEpochAndRestoredOnResume(@TempDir Path dir) {
    List<EpochMetrics> expected = train(dir.resolve("a"), "f", -1, new Network[1], WEIGHT_SUM);
    assertThrows(Crash.class, () -> train(dir.resolve("b"), "f", 2, new Network[1], WEIGHT_SUM));
    // Resumed without the evaluator: the epochs from the checkpoint keep their measurements.
    List<EpochMetrics> history = train(dir.resolve("b"), "f", -1, new Network[1], null);
    assertEquals(expected.get(0).test(), history.get(0).test());
    assertEquals(expected.get(1).test(), history.get(1).test());
    assertEquals(7, history.get(1).test().samples());
    assertEquals(null, history.get(2).test(), "epoch 3 ran without the evaluator");
    assertEquals(7, expected.get(2).test().samples());
  }

  @Test
  void refusesToResumeCheckpointsOfAnotherConfiguration(@TempDir Path dir) {
    assertThrows(Crash.class, () -> train(dir, "first", 1, new Network[1]));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> train(dir, "second", -1, new Network[1]));
    assertTrue(e.getMessage().contains("different pretrain configuration"), e.getMessage());
  }

  @Test
  void ignoresAHalfWrittenCheckpoint(@TempDir Path dir) throws IOException {
    assertThrows(Crash.class, () -> train(dir, "f", 1, new Network[1]));
    Files.createDirectories(dir.resolve(".incomplete-123"));
    Files.createDirectories(dir.resolve("epoch-0002"));
    Files.writeString(dir.resolve("epoch-0002/model.params"), "half");
    List<EpochMetrics> history = train(dir, "f", -1, new Network[1]);
    assertEquals(List.of(1, 2, 3), history.stream().map(EpochMetrics::epoch).toList());
  }
}
