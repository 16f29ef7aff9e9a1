package dev.arrest.trainer.engine;

import static dev.arrest.trainer.engine.TorchScriptClassifierTest.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.testing.TinyData;
import dev.arrest.trainer.train.AdversarialObjective;
import dev.arrest.trainer.train.Backpropagation;
import dev.arrest.trainer.train.CleanObjective;
import dev.arrest.trainer.train.StepMetrics;
import dev.arrest.trainer.train.TrainingObjective;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel finetuning of a TorchScript module on a device list of two CPU replicas against
 * one-device training on the same batch (docs/trainer.md, "Several devices").
 */
class DataParallelTorchScriptTest {
  private static final List<Device> TWO_CPU_REPLICAS = List.of(Device.cpu(), Device.cpu());
  private static final Shape IMAGE = new Shape(1, 28, 28);
  private static final int STEP_SEED = 13;
  private static final double LEARNING_RATE = 0.05;

  /** 9 examples: uneven shards of 5 and 4. */
  private static final int BATCH = 9;

  @TempDir Path directory;
  private NDManager manager;
  private NDArray images;
  private NDArray labels;

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager(Device.cpu());
    NDList batch = TinyData.bandsBatch(BATCH, 3, manager);
    images = batch.get(0);
    labels = batch.get(1);
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @Test
  void adversarialStepsOfAModuleWithoutBatchNormEqualOneDeviceSteps() {
    TorchScriptClassifier single = trainable("linear.pt");
    DataParallelTorchScript parallel = parallel("linear.pt");
    assertFalse(parallel.copiesWholeModule(), "no running statistics: parameters are copied");
    List<NDArray> replicaArrays =
        parallel.replicaParameters().get(1).stream().map(p -> p.getValue().getArray()).toList();
    TrainingObjective objective =
        new AdversarialObjective(
            new PgdAttack(0.1, 0.04, 3, PgdAttack.Start.UNIFORM), null, null, null);
    SgdOptimizer singleOptimizer = optimizer(single);
    SgdOptimizer parallelOptimizer = optimizer(parallel);

    for (int step = 0; step < 2; step++) {
      StepMetrics expected = step(single, singleOptimizer, objective);
      StepMetrics actual = step(parallel, parallelOptimizer, objective);

      assertEquals(expected.lossSum(), actual.lossSum(), 1e-4, "loss of step " + step);
      assertEquals(expected.adversarialCorrect(), actual.adversarialCorrect());
      assertParametersEqual(single.parameters(), parallel.parameters(), 1e-5f);
    }
    assertReplicasEqual(parallel);
    for (int i = 0; i < replicaArrays.size(); i++) {
      assertSame(
          replicaArrays.get(i),
          parallel.replicaParameters().get(1).get(i).getValue().getArray(),
          "updated in place");
    }
  }

  @Test
  void aBatchNormStepUsesShardStatisticsAndKeepsThePrimaryShardsRunningStatistics() {
    // Inverted pixels in the second shard: its batch statistics are far from the first shard's.
    images = NDArrays.concat(new NDList(images.get("0:5"), images.get("5:9").neg().add(1f)));
    TorchScriptClassifier single = trainable("bn_cnn.pt");
    DataParallelTorchScript parallel = parallel("bn_cnn.pt");
    assertTrue(parallel.copiesWholeModule(), "running statistics: the whole module is copied");
    GhostBatches ghost = new GhostBatches(single, new long[] {5, 4});

    StepMetrics expected = step(ghost, optimizer(single), new CleanObjective());
    StepMetrics actual = step(parallel, optimizer(parallel), new CleanObjective());

    assertEquals(expected.lossSum(), actual.lossSum(), 1e-4);
    assertParametersEqual(single.parameters(), parallel.parameters(), 1e-5f);

    // Running statistics as torch.nn.DataParallel keeps them: what the first shard alone gives.
    // Buffers are not reachable, so compare eval-mode outputs with a module that has seen only the
    // first shard in training mode and holds the updated parameters; both replicas must match it.
    TorchScriptClassifier firstShardOnly = trainable("bn_cnn.pt");
    firstShardOnly.forward(images.get("0:5"), true);
    copyParameters(parallel.parameters(), firstShardOnly.parameters());
    float[] reference = firstShardOnly.forward(images, false).logits().toFloatArray();
    assertArrayEquals(reference, parallel.forward(images, false).logits().toFloatArray(), 1e-5f);
    // ...and not what both shards give, so the comparison can tell the two apart.
    assertFalse(
        close(reference, single.forward(images, false).logits().toFloatArray(), 1e-3f),
        "one device saw both shards' statistics");
  }

  @Test
  void aLoadReachesEveryReplica() throws Exception {
    DataParallelTorchScript parallel = parallel("bn_cnn.pt");
    TorchScriptClassifier trained = trainable("bn_cnn.pt");
    step(trained, optimizer(trained), new CleanObjective());
    Path file = directory.resolve("model.pt");
    trained.save(file);

    parallel.load(file);

    float[] expected = trained.forward(images, false).logits().toFloatArray();
    assertArrayEquals(expected, parallel.forward(images, false).logits().toFloatArray(), 1e-6f);
    assertTrue(parallel.description().endsWith("data parallel on cpu(), cpu()"));
  }

  private TorchScriptClassifier trainable(String name) {
    return TorchScriptClassifier.loadTrainable(resource(name), manager, IMAGE);
  }

  private DataParallelTorchScript parallel(String name) {
    List<TorchScriptClassifier> replicas = new ArrayList<>();
    for (Device device : TWO_CPU_REPLICAS) {
      replicas.add(
          TorchScriptClassifier.loadTrainable(
              resource(name), manager.newSubManager(device), IMAGE));
    }
    return new DataParallelTorchScript(replicas, TWO_CPU_REPLICAS);
  }

  private static SgdOptimizer optimizer(TrainableClassifier network) {
    return new SgdOptimizer(network::parameters, 0.9, 5e-4, false, network.manager());
  }

  private StepMetrics step(
      TrainableClassifier network, SgdOptimizer optimizer, TrainingObjective objective) {
    Engine.getInstance().setRandomSeed(STEP_SEED);
    StepMetrics metrics = objective.computeGradients(network, images, labels, Backpropagation::run);
    network.applyUpdate(() -> optimizer.step(LEARNING_RATE));
    return metrics;
  }

  private static void copyParameters(
      List<Pair<String, Parameter>> from, List<Pair<String, Parameter>> to) {
    for (int i = 0; i < from.size(); i++) {
      InPlace.copyInto(to.get(i).getValue().getArray(), from.get(i).getValue().getArray());
    }
  }

  private static boolean close(float[] a, float[] b, float tolerance) {
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) > tolerance) {
        return false;
      }
    }
    return true;
  }

  private static void assertParametersEqual(
      List<Pair<String, Parameter>> expected,
      List<Pair<String, Parameter>> actual,
      float tolerance) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).getKey(), actual.get(i).getKey());
      assertArrayEquals(
          expected.get(i).getValue().getArray().toFloatArray(),
          actual.get(i).getValue().getArray().toFloatArray(),
          tolerance,
          expected.get(i).getKey());
    }
  }

  /** After an update every replica holds exactly the primary's parameters. */
  private static void assertReplicasEqual(DataParallelTorchScript parallel) {
    List<List<Pair<String, Parameter>>> replicas = parallel.replicaParameters();
    for (int k = 1; k < replicas.size(); k++) {
      assertParametersEqual(replicas.get(0), replicas.get(k), 0f);
    }
  }
}
