package dev.arrest.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Pre-activation residual basic block (He et al. 2016, "Identity Mappings in Deep Residual
 * Networks"): {@code BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 + shortcut}.
 *
 * <p>When the shape changes (stride or channel count), the shortcut is a 1x1 convolution applied to
 * the pre-activated input, as in the PreActResNet and TRADES WideResNet reference code; otherwise
 * it is the raw input.
 */
public final class PreActBasicBlock extends AbstractBlock {

  private static final byte VERSION = 1;

  private final BatchNorm inputNorm;
  private final Conv2d conv1;
  private final BatchNorm innerNorm;
  private final Conv2d conv2;
  private final Conv2d projection;

  /**
   * @param inChannels channels of the block input
   * @param outChannels channels of the block output
   * @param stride stride of the first convolution (and of the projection)
   * @param convWeights initializer for the convolution weights
   */
  public PreActBasicBlock(int inChannels, int outChannels, int stride, Initializer convWeights) {
    super(VERSION);
    inputNorm = addChildBlock("inputNorm", Layers.batchNorm());
    conv1 = addChildBlock("conv1", Layers.conv3x3(outChannels, stride, convWeights));
    innerNorm = addChildBlock("innerNorm", Layers.batchNorm());
    conv2 = addChildBlock("conv2", Layers.conv3x3(outChannels, 1, convWeights));
    projection =
        stride != 1 || inChannels != outChannels
            ? addChildBlock("projection", Layers.conv1x1(outChannels, stride, convWeights))
            : null;
  }

  public boolean hasProjection() {
    return projection != null;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDList preActivated =
        new NDList(Activation.relu(inputNorm.forward(parameterStore, inputs, training).head()));
    NDArray shortcut =
        projection == null ? x : projection.forward(parameterStore, preActivated, training).head();
    NDArray out = conv1.forward(parameterStore, preActivated, training).head();
    out = Activation.relu(innerNorm.forward(parameterStore, new NDList(out), training).head());
    out = conv2.forward(parameterStore, new NDList(out), training).head();
    // In place on conv2's fresh output: conv backward does not need its own output.
    return new NDList(out.addi(shortcut));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return conv2.getOutputShapes(conv1.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    inputNorm.initialize(manager, dataType, inputShapes);
    conv1.initialize(manager, dataType, inputShapes);
    Shape[] innerShapes = conv1.getOutputShapes(inputShapes);
    innerNorm.initialize(manager, dataType, innerShapes);
    conv2.initialize(manager, dataType, innerShapes);
    if (projection != null) {
      projection.initialize(manager, dataType, inputShapes);
    }
  }
}
