package dev.arrest.trainer.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * The four-convolution, three-linear network TRADES uses for MNIST: conv32-conv32-pool-conv64-
 * conv64-pool (3x3, unpadded, ReLU after each conv), then linear 200-ReLU-dropout 0.5-linear
 * 200-ReLU-linear. Features are the 200-d output of the last ReLU.
 *
 * <p>Conv weights are He normal (fan_in), conv biases zero, as in TRADES. Unlike TRADES, the final
 * layer is not zero-initialized: it gets the same PyTorch-default init as the other linear layers,
 * so gradients reach the body from the first step.
 */
public final class SmallCnn extends RepresentationClassifier {

  /** Width of the two hidden linear layers, hence of the features. */
  public static final int FEATURE_DIMENSION = 200;

  private static final int CONV_CHANNELS = 64;

  /** TRADES' dropout rate. */
  public static final float DEFAULT_DROPOUT_RATE = 0.5f;

  private final float dropoutRate;

  /**
   * @param dropoutRate in [0, 1); 0 makes training-mode forward passes deterministic (used to
   *     compare data-parallel with one-device steps, whose dropout masks are drawn differently)
   */
  public SmallCnn(
      int inChannels,
      int height,
      int width,
      int numClasses,
      float[] mean,
      float[] std,
      float dropoutRate) {
    super(
        new InputNormalization(mean, std),
        backbone(height, width, checkedDropoutRate(dropoutRate)),
        new Shape(inChannels, height, width),
        FEATURE_DIMENSION,
        numClasses);
    this.dropoutRate = dropoutRate;
  }

  @Override
  public String architecture() {
    return Models.SMALL_CNN;
  }

  @Override
  public SmallCnn freshCopy() {
    return new SmallCnn(
        channels(),
        height(),
        width(),
        numClasses(),
        normalization().mean(),
        normalization().std(),
        dropoutRate);
  }

  /**
   * Size of the flattened convolutional output that enters the first linear layer: 64 * 4 * 4 =
   * 1024 for 28x28 images, 64 * 5 * 5 = 1600 for 32x32.
   */
  public static long flattenedConvFeatures(int height, int width) {
    return (long) CONV_CHANNELS * convOutputSide(height) * convOutputSide(width);
  }

  /** Two unpadded 3x3 convs (-4), a 2x2 max pool (/2, floored), twice. */
  private static int convOutputSide(int side) {
    int size = side;
    for (int stage = 0; stage < 2; stage++) {
      size -= 4;
      if (size < 2) {
        throw new IllegalArgumentException(
            "small-cnn needs images of at least 16x16, got side " + side);
      }
      size /= 2;
    }
    return size;
  }

  private static float checkedDropoutRate(float rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("small-cnn dropout rate must be in [0, 1), got " + rate);
    }
    return rate;
  }

  private static Block backbone(int height, int width, float dropoutRate) {
    flattenedConvFeatures(height, width); // fail fast on images too small for the conv stack
    return new SequentialBlock()
        .add(conv(32))
        .add(Activation.reluBlock())
        .add(conv(32))
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(conv(64))
        .add(Activation.reluBlock())
        .add(conv(64))
        .add(Activation.reluBlock())
        .add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Layers.linear(FEATURE_DIMENSION))
        .add(Activation.reluBlock())
        .add(Dropout.builder().optRate(dropoutRate).build())
        .add(Layers.linear(FEATURE_DIMENSION))
        .add(Activation.reluBlock());
  }

  private static Block conv(int filters) {
    return Layers.conv(filters, 3, 1, 0, true, Layers.HE_NORMAL_FAN_IN);
  }
}
