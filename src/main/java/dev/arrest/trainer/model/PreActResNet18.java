package dev.arrest.trainer.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;

/**
 * Pre-activation ResNet-18 for small images, as used across the adversarial-training literature:
 * 3x3 stem conv with 64 filters (no max pool), four stages of two {@link PreActBasicBlock}s with
 * widths 64, 128, 256, 512 and strides 1, 2, 2, 2, then BN-ReLU, global average pooling and the
 * linear head. Features are the 512-d pooled vector. Conv weights are He normal (fan_out).
 */
public final class PreActResNet18 extends RepresentationClassifier {

  public static final int FEATURE_DIMENSION = 512;

  private static final int STEM_CHANNELS = 64;
  private static final int[] STAGE_WIDTHS = {64, 128, 256, 512};
  private static final int[] STAGE_STRIDES = {1, 2, 2, 2};
  private static final int BLOCKS_PER_STAGE = 2;

  public PreActResNet18(
      int inChannels, int height, int width, int numClasses, float[] mean, float[] std) {
    super(
        new InputNormalization(mean, std),
        backbone(),
        new Shape(inChannels, height, width),
        FEATURE_DIMENSION,
        numClasses);
  }

  @Override
  public String architecture() {
    return Models.PREACT_RESNET18;
  }

  @Override
  public PreActResNet18 freshCopy() {
    return new PreActResNet18(
        channels(), height(), width(), numClasses(), normalization().mean(), normalization().std());
  }

  private static Block backbone() {
    SequentialBlock net =
        new SequentialBlock().add(Layers.conv3x3(STEM_CHANNELS, 1, Layers.HE_NORMAL_FAN_OUT));
    int channels = STEM_CHANNELS;
    for (int stage = 0; stage < STAGE_WIDTHS.length; stage++) {
      SequentialBlock blocks = new SequentialBlock();
      for (int i = 0; i < BLOCKS_PER_STAGE; i++) {
        int stride = i == 0 ? STAGE_STRIDES[stage] : 1;
        blocks.add(
            new PreActBasicBlock(channels, STAGE_WIDTHS[stage], stride, Layers.HE_NORMAL_FAN_OUT));
        channels = STAGE_WIDTHS[stage];
      }
      net.add(blocks);
    }
    return net.add(Layers.batchNorm()).add(Activation.reluBlock()).add(Pool.globalAvgPool2dBlock());
  }
}
