package dev.arrest.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.arrest.api.v1alpha1.OptimizerSpec;
import dev.arrest.results.EpochMetrics;
import dev.arrest.results.Stage;
import dev.arrest.trainer.attack.PgdAttack;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.engine.IntraOpThreads;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.loss.Losses;
import dev.arrest.trainer.model.Models;
import dev.arrest.trainer.optim.LearningRateSchedule;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.testing.TinyData;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Adversarial weight perturbation (docs/trainer.md, "AWP"). */
class AdversarialWeightPerturbationTest {
  private static final int INIT_SEED = 7;
  private static final int BATCH = 16;
  private static final double GAMMA = 0.01;

  private NDManager manager;
  private NDArray images;
  private NDArray labels;
  private int threadsBefore;

  @BeforeEach
  void setUp() {
    // One intra-op thread: the reproducible setting, so runs can be compared bit for bit.
    threadsBefore = IntraOpThreads.current();
    IntraOpThreads.configure(1);
    manager = NDManager.newBaseManager();
    NDList batch = TinyData.bandsBatch(BATCH, 3, manager);
    images = batch.get(0);
    labels = batch.get(1);
  }

  @AfterEach
  void tearDown() {
    manager.close();
    IntraOpThreads.configure(threadsBefore);
  }

  /** WRN-10-1: convolutions, a linear layer and batch normalization; dropout 0. */
  private Network wideResNet() {
    return network(Models.WIDE_RESNET, 0f);
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

  /** The batch's cross-entropy in train mode, recording the parameters it was computed at. */
  private static Supplier<LossTerms> crossEntropy(
      Network network, NDArray images, NDArray labels, List<List<float[]>> seenAt) {
    return () -> {
      seenAt.add(values(network));
      NDArray logits = network.forward(images, true).logits();
      NDArray loss = Losses.crossEntropy(logits, labels).mean();
      return new LossTerms(loss, loss, null, null, logits);
    };
  }

  private static List<float[]> values(Network network) {
    List<float[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : network.parameters()) {
      values.add(p.getValue().getArray().toFloatArray());
    }
    return values;
  }

  private static List<float[]> gradients(Network network) {
    List<float[]> gradients = new ArrayList<>();
    for (Pair<String, Parameter> p : network.parameters()) {
      NDArray array = p.getValue().getArray();
      gradients.add(array.hasGradient() ? array.getGradient().toFloatArray() : null);
    }
    return gradients;
  }

  private static boolean isRunningStatistic(Parameter p) {
    return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
  }

  private static double norm(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }

  private static float[] minus(float[] a, float[] b) {
    float[] difference = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      difference[i] = a[i] - b[i];
    }
    return difference;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return dot / (norm(a) * norm(b));
  }

  @ParameterizedTest(name = "{0} ascent step(s)")
  @ValueSource(ints = {1, 3})
  void perturbsEachWeightTensorByGammaTimesItsNormAndRestoresItExactly(int steps) {
    Network network = wideResNet();
    List<Pair<String, Parameter>> parameters = network.parameters();
    List<float[]> before = values(network);
    List<List<float[]>> seenAt = new ArrayList<>();

    LossTerms terms =
        new AdversarialWeightPerturbation(GAMMA, 0, steps)
            .around(network)
            .run(crossEntropy(network, images, labels, seenAt));

    assertEquals(steps + 1, seenAt.size(), "one pass per ascent step, then the training pass");
    List<float[]> perturbed = seenAt.get(steps);
    int weightTensors = 0;
    for (int p = 0; p < parameters.size(); p++) {
      Parameter parameter = parameters.get(p).getValue();
      String name = parameters.get(p).getKey();
      float[] v = minus(perturbed.get(p), before.get(p));
      if (parameter.getArray().getShape().dimension() > 1) {
        weightTensors++;
        assertEquals(
            GAMMA, norm(v) / norm(before.get(p)), 1e-4 * GAMMA, name + ": ||v|| = gamma ||w||");
      } else {
        // Biases, batch-norm scales and shifts are not perturbed; running statistics are back to
        // what they were before the ascent pass, which must not count as a batch-norm update.
        assertArrayEquals(before.get(p), perturbed.get(p), name + " is not perturbed");
      }
    }
    assertTrue(weightTensors >= 5, "WRN-10-1 has convolutions and a linear layer");

    List<float[]> after = values(network);
    for (int p = 0; p < parameters.size(); p++) {
      if (!isRunningStatistic(parameters.get(p).getValue())) {
        assertArrayEquals(
            before.get(p), after.get(p), parameters.get(p).getKey() + " restored bit for bit");
      }
    }
    // The same network at w + v, without AWP: the step's loss and gradients are its.
    Network atPerturbed = wideResNet();
    List<Pair<String, Parameter>> copy = atPerturbed.parameters();
    for (int p = 0; p < copy.size(); p++) {
      copy.get(p).getValue().getArray().set(perturbed.get(p));
    }
    LossTerms expected =
        Backpropagation.run(crossEntropy(atPerturbed, images, labels, new ArrayList<>()));
    assertEquals(expected.total().getFloat(), terms.total().getFloat());
    List<float[]> expectedGradients = gradients(atPerturbed);
    List<float[]> actualGradients = gradients(network);
    List<float[]> expectedAfter = values(atPerturbed);
    for (int p = 0; p < parameters.size(); p++) {
      String name = parameters.get(p).getKey();
      if (expectedGradients.get(p) != null) {
        assertArrayEquals(
            expectedGradients.get(p), actualGradients.get(p), name + ": gradient at w + v");
      }
      if (isRunningStatistic(parameters.get(p).getValue())) {
        assertArrayEquals(
            expectedAfter.get(p), after.get(p), name + ": one update, by the training pass");
      }
    }
  }

  @Test
  void oneStepPerturbsAlongTheLossGradientAndRaisesTheLoss() {
    Network reference = wideResNet();
    LossTerms atWeights =
        Backpropagation.run(crossEntropy(reference, images, labels, new ArrayList<>()));
    List<float[]> gradient = gradients(reference);

    Network network = wideResNet();
    List<float[]> before = values(network);
    List<List<float[]>> seenAt = new ArrayList<>();
    LossTerms atPerturbed =
        new AdversarialWeightPerturbation(GAMMA, 0, 1)
            .around(network)
            .run(crossEntropy(network, images, labels, seenAt));

    List<Pair<String, Parameter>> parameters = network.parameters();
    for (int p = 0; p < parameters.size(); p++) {
      if (parameters.get(p).getValue().getArray().getShape().dimension() > 1) {
        float[] v = minus(seenAt.get(1).get(p), before.get(p));
        assertEquals(1, cosine(v, gradient.get(p)), 1e-4, parameters.get(p).getKey());
      }
    }
    assertTrue(
        atPerturbed.total().getFloat() > atWeights.total().getFloat(),
        "ascent: loss at w + v "
            + atPerturbed.total().getFloat()
            + " > loss at w "
            + atWeights.total().getFloat());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {Models.WIDE_RESNET, Models.SMALL_CNN})
  void gammaZeroIsThePlainAdversarialTrainingStepBitForBit(String architecture) {
    Network plain = network(architecture, 0f);
    Network withAwp = network(architecture, 0f);
    TrainingObjective objective =
        new AdversarialObjective(
            new PgdAttack(0.1, 0.04, 3, PgdAttack.Start.UNIFORM), null, null, null);
    SgdOptimizer plainOptimizer = optimizer(plain);
    SgdOptimizer awpOptimizer = optimizer(withAwp);
    AdversarialWeightPerturbation zero = new AdversarialWeightPerturbation(0, 0, 1);

    for (int step = 0; step < 3; step++) {
      Engine.getInstance().setRandomSeed(100 + step);
      StepMetrics expected =
          objective.computeGradients(plain, images, labels, Backpropagation::run);
      plain.applyUpdate(() -> plainOptimizer.step(0.05));
      Engine.getInstance().setRandomSeed(100 + step);
      StepMetrics actual =
          objective.computeGradients(withAwp, images, labels, zero.around(withAwp));
      withAwp.applyUpdate(() -> awpOptimizer.step(0.05));

      assertEquals(expected, actual, "step " + step);
      List<float[]> e = values(plain);
      List<float[]> a = values(withAwp);
      for (int p = 0; p < e.size(); p++) {
        assertArrayEquals(e.get(p), a.get(p), "step " + step + ", parameter " + p);
      }
    }
  }

  @Test
  void warmUpEpochsTrainWithoutAwpAndTheResultsSayWhichEpochsHadIt() {
    List<EpochMetrics> plain = train(null);
    List<EpochMetrics> gammaZero = train(new AdversarialWeightPerturbation(0, 0, 1));
    List<EpochMetrics> warmedUp = train(new AdversarialWeightPerturbation(GAMMA, 1, 1));

    for (int e = 0; e < 2; e++) {
      assertEquals(plain.get(e).loss(), gammaZero.get(e).loss(), "gamma 0 is off, epoch " + e);
      assertNull(gammaZero.get(e).awpGamma());
    }
    assertEquals(plain.get(0).loss(), warmedUp.get(0).loss(), "epoch 1 is the warm-up");
    assertNull(warmedUp.get(0).awpGamma());
    assertNotEquals(plain.get(1).loss(), warmedUp.get(1).loss(), "epoch 2 trains at w + v");
    assertEquals(GAMMA, warmedUp.get(1).awpGamma());
  }

  private List<EpochMetrics> train(AdversarialWeightPerturbation awp) {
    Network network = network(Models.SMALL_CNN, 0f);
    OptimizerSpec spec = new OptimizerSpec();
    spec.learningRate = 0.05;
    DataLoader loader = DataLoader.builder(TinyData.bands(64, 1), 32).shuffle(true).seed(5).build();
    return TrainingLoop.builder()
        .setStage(Stage.FINETUNE)
        .setNetwork(network)
        .setOptimizer(optimizer(network))
        .setSchedule(new LearningRateSchedule(spec, 2, loader.batchesPerEpoch()))
        .setObjective(
            new AdversarialObjective(
                new PgdAttack(0.1, 0.04, 2, PgdAttack.Start.UNIFORM), null, null, null))
        .setData(loader)
        .setEpochs(2)
        .optSeed(42)
        .optWeightPerturbation(awp)
        .build()
        .run();
  }

  @Test
  void leavesNoArraysBehindOnTheModelsManager() {
    Network network = wideResNet();
    AdversarialWeightPerturbation awp = new AdversarialWeightPerturbation(GAMMA, 0, 2);
    awp.around(network).run(crossEntropy(network, images, labels, new ArrayList<>()));
    int before = ((BaseNDManager) network.manager()).getManagedArrays().size();

    for (int step = 0; step < 3; step++) {
      awp.around(network).run(crossEntropy(network, images, labels, new ArrayList<>()));
    }

    // Training runs for hours: anything a step left on the model's manager would accumulate.
    assertEquals(before, ((BaseNDManager) network.manager()).getManagedArrays().size());
  }

  @Test
  void refusesSettingsOutsideItsDefinition() {
    assertThrows(IllegalArgumentException.class, () -> new AdversarialWeightPerturbation(-1, 0, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new AdversarialWeightPerturbation(Double.NaN, 0, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new AdversarialWeightPerturbation(0.1, -1, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new AdversarialWeightPerturbation(0.1, 0, 0));
  }

  private static SgdOptimizer optimizer(Network network) {
    return new SgdOptimizer(network::parameters, 0.9, 5e-4, false, network.manager());
  }
}
