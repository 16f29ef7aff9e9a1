package dev.arrest.trainer.testing;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.arrest.trainer.data.DataLoader;
import dev.arrest.trainer.data.ImageBatch;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.engine.Classifier;
import dev.arrest.trainer.engine.Outputs;
import dev.arrest.trainer.loss.Losses;
import dev.arrest.trainer.optim.SgdOptimizer;
import dev.arrest.trainer.train.Backpropagation;
import dev.arrest.trainer.train.LossTerms;

/**
 * A 784-32-10 ReLU network trained for a second on {@link TinyData#bands}: a non-linear model cheap
 * enough to run hundreds of attack iterations in a unit test (SmallCNN costs about 100 times more
 * per example).
 */
public final class TinyMlp implements Classifier {
  private final NDManager manager;
  private final SequentialBlock block;
  private final ParameterStore store;

  private TinyMlp(NDManager parent) {
    this.manager = parent.newSubManager();
    this.block =
        new SequentialBlock()
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(32).build())
            .add(Activation.reluBlock())
            .add(Linear.builder().setUnits(10).build());
    block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
    this.store = new ParameterStore(manager, false);
  }

  /** Trained with SGD on 600 band images for {@code epochs} epochs. */
  public static TinyMlp trainedOnBands(NDManager parent, int epochs, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    TinyMlp mlp = new TinyMlp(parent);
    ImageDataset train = TinyData.bands(600, seed);
    DataLoader loader = DataLoader.builder(train, 50).shuffle(true).seed(seed).build();
    SgdOptimizer optimizer =
        new SgdOptimizer(mlp.block.getParameters().stream().toList(), 0.9, 0, false, mlp.manager);
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (ImageBatch batch : loader.epoch(mlp.manager, epoch)) {
        try (batch) {
          Backpropagation.run(
              () -> {
                NDArray loss =
                    Losses.crossEntropy(mlp.forward(batch.images(), true).logits(), batch.labels())
                        .mean();
                return new LossTerms(loss, loss, null, null, null);
              });
          optimizer.step(0.05);
        }
      }
    }
    return mlp;
  }

  @Override
  public Outputs forward(NDArray images, boolean training) {
    return new Outputs(block.forward(store, new NDList(images), training).singletonOrThrow(), null);
  }

  @Override
  public void setFrozen(boolean frozen) {
    block.freezeParameters(frozen);
  }

  @Override
  public int numClasses() {
    return 10;
  }

  @Override
  public void close() {
    manager.close();
  }
}
