package dev.arrest.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.model.Models;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.testing.TinyData;
import dev.arrest.trainer.train.AdversarialObjective;
import dev.arrest.trainer.train.AdversarialWeightPerturbation;
import dev.arrest.trainer.train.Backpropagation;
import dev.arrest.trainer.train.CleanObjective;
import dev.arrest.trainer.train.StepMetrics;
import dev.arrest.trainer.train.TrainingObjective;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training on a device list of two CPU replicas against one-device training on the
 * same batch (docs/trainer.md, "Several devices").
 */
class DataParallelNetworkTest {
  private static final List<Device> TWO_CPU_REPLICAS = List.of(Device.cpu(), Device.cpu());
  private static final int INIT_SEED = 7;
  private static final int STEP_SEED = 13;
  private static final double LEARNING_RATE = 0.05;

  /** 9 examples: uneven shards of 5 and 4. */
  private static final int BATCH = 9;

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
  void shardsAreContiguousAndAsEqualAsPossible() {
    assertArrayEquals(new long[] {5, 4}, ShardedForward.shardSizes(9, 2));
    assertArrayEquals(new long[] {3, 3, 2, 2}, ShardedForward.shardSizes(10, 4));
    assertArrayEquals(new long[] {1, 1}, ShardedForward.shardSizes(2, 8));
    assertArrayEquals(new long[] {1}, ShardedForward.shardSizes(1, 2));
  }

  @Test
  void smallCnnAdversarialStepsEqualOneDeviceSteps() {
    // Dropout off: its masks are drawn per shard, the one thing a data-parallel step draws
    // differently.
    Network single = network(Models.SMALL_CNN, 0f);
    DataParallelNetwork parallel =
        new DataParallelNetwork(network(Models.SMALL_CNN, 0f), TWO_CPU_REPLICAS);
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
      assertParametersEqual(single, parallel.replicas().get(0), p -> true, 1e-5f);
    }
    assertReplicasEqual(parallel);
  }

  @Test
  void adversarialWeightPerturbationStepsEqualOneDeviceSteps() {
    Network single = network(Models.SMALL_CNN, 0f);
    DataParallelNetwork parallel =
        new DataParallelNetwork(network(Models.SMALL_CNN, 0f), TWO_CPU_REPLICAS);
    TrainingObjective objective =
        new AdversarialObjective(
            new PgdAttack(0.1, 0.04, 3, PgdAttack.Start.UNIFORM), null, null, null);
    AdversarialWeightPerturbation awp = new AdversarialWeightPerturbation(0.01, 0, 1);
    SgdOptimizer singleOptimizer = optimizer(single);
    SgdOptimizer parallelOptimizer = optimizer(parallel);

    for (int step = 0; step < 2; step++) {
      StepMetrics expected = step(single, singleOptimizer, objective, awp.around(single));
      StepMetrics actual = step(parallel, parallelOptimizer, objective, awp.around(parallel));

      assertEquals(expected.lossSum(), actual.lossSum(), 1e-4, "loss at w + v, step " + step);
      assertParametersEqual(single, parallel.replicas().get(0), p -> true, 1e-5f);
    }
    assertReplicasEqual(parallel);
  }

  @Test
  void batchNormStepUsesShardStatisticsAndAveragesRunningStatistics() {
    Network single = network(Models.WIDE_RESNET, 0f);
    DataParallelNetwork parallel =
        new DataParallelNetwork(network(Models.WIDE_RESNET, 0f), TWO_CPU_REPLICAS);
    // What one device computes with the same per-shard batch statistics ("ghost batches").
    GhostBatches ghost = new GhostBatches(single, new long[] {5, 4});
    Network firstShardOnly = network(Models.WIDE_RESNET, 0f);
    Network secondShardOnly = network(Models.WIDE_RESNET, 0f);
    firstShardOnly.forward(images.get("0:5"), true);
    secondShardOnly.forward(images.get("5:9"), true);

    StepMetrics expected = step(ghost, optimizer(single), new CleanObjective());
    StepMetrics actual = step(parallel, optimizer(parallel), new CleanObjective());

    assertEquals(expected.lossSum(), actual.lossSum(), 1e-4);
    Network primary = parallel.replicas().get(0);
    assertParametersEqual(single, primary, p -> !isRunningStatistic(p), 1e-5f);
    // Running statistics: the shard-size-weighted average of what each shard alone gives.
    List<Parameter> first = running(firstShardOnly);
    List<Parameter> second = running(secondShardOnly);
    List<Parameter> averaged = running(primary);
    assertNotEquals(0, averaged.size());
    for (int i = 0; i < averaged.size(); i++) {
      NDArray expectedAverage =
          first.get(i).getArray().mul(5f / 9).add(second.get(i).getArray().mul(4f / 9));
      assertArrayEquals(
          expectedAverage.toFloatArray(),
          averaged.get(i).getArray().toFloatArray(),
          1e-5f,
          averaged.get(i).getName());
    }
    assertReplicasEqual(parallel);
  }

  @Test
  void evaluationForwardEqualsOneDeviceForward() {
    Network single = network(Models.WIDE_RESNET, 0f);
    DataParallelNetwork parallel =
        new DataParallelNetwork(network(Models.WIDE_RESNET, 0f), TWO_CPU_REPLICAS);
    // Make the running statistics non-trivial first.
    single.forward(images, true);
    parallel.replicas().get(0).forward(images, true);
    parallel.applyUpdate(() -> {});

    Outputs expected = single.forward(images, false);
    Outputs actual = parallel.forward(images, false);

    assertArrayEquals(expected.logits().toFloatArray(), actual.logits().toFloatArray(), 1e-5f);
    assertArrayEquals(expected.features().toFloatArray(), actual.features().toFloatArray(), 1e-5f);
  }

  private Network network(String architecture, float dropout) {
    Engine.getInstance().setRandomSeed(INIT_SEED);
    return new Network(
        Models.builder()
            .setArchitecture(architecture)
            .fitDataset(DatasetKind.FASHION_MNIST)
            .optDepth(10)
            .optWidenFactor(1)
            .optDropoutRate(dropout)
            .build(),
        manager,
        new Shape(1, 28, 28));
  }

  private static SgdOptimizer optimizer(TrainableClassifier network) {
    return new SgdOptimizer(network::parameters, 0.9, 5e-4, false, network.manager());
  }

  private StepMetrics step(
      TrainableClassifier network, SgdOptimizer optimizer, TrainingObjective objective) {
    return step(network, optimizer, objective, Backpropagation::run);
  }

  private StepMetrics step(
      TrainableClassifier network,
      SgdOptimizer optimizer,
      TrainingObjective objective,
      TrainingObjective.Backprop backprop) {
    Engine.getInstance().setRandomSeed(STEP_SEED);
    StepMetrics metrics = objective.computeGradients(network, images, labels, backprop);
    network.applyUpdate(() -> optimizer.step(LEARNING_RATE));
    return metrics;
  }

  private static boolean isRunningStatistic(Parameter p) {
    return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
  }

  private static List<Parameter> running(Network network) {
    return network.parameters().stream()
        .map(Pair::getValue)
        .filter(DataParallelNetworkTest::isRunningStatistic)
        .toList();
  }

  private static void assertParametersEqual(
      Network expected, Network actual, Predicate<Parameter> which, float tolerance) {
    List<Pair<String, Parameter>> e = expected.parameters();
    List<Pair<String, Parameter>> a = actual.parameters();
    assertEquals(e.size(), a.size());
    for (int i = 0; i < e.size(); i++) {
      if (which.test(e.get(i).getValue())) {
        assertArrayEquals(
            e.get(i).getValue().getArray().toFloatArray(),
            a.get(i).getValue().getArray().toFloatArray(),
            tolerance,
            e.get(i).getKey());
      }
    }
  }

  /** Replicas hold exactly the primary's parameters and running statistics after an update. */
  private static void assertReplicasEqual(DataParallelNetwork parallel) {
    List<Network> replicas = parallel.replicas();
    for (int k = 1; k < replicas.size(); k++) {
      assertParametersEqual(replicas.get(0), replicas.get(k), p -> true, 0f);
    }
  }
}
