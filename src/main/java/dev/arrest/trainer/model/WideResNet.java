package dev.arrest.trainer.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;

/**
 * WideResNet-depth-k (Zagoruyko and Komodakis 2016) in the form TRADES and ARREST use for
 * WRN-34-10: a 3x3 stem conv with 16 filters, three groups of n = (depth - 4) / 6 {@link
 * PreActBasicBlock}s with widths 16k, 32k, 64k and strides 1, 2, 2, then BN-ReLU, global average
 * pooling and the linear head. Features are the 64k-d pooled vector. Conv weights are He normal
 * (fan_out), as in the TRADES code. No dropout (TRADES trains WRN-34-10 with dropRate 0); the
 * unused {@code sub_block1} of the TRADES code is not reproduced.
 */
public final class WideResNet extends RepresentationClassifier {

  private static final int STEM_CHANNELS = 16;
  private static final int[] GROUP_BASE_WIDTHS = {16, 32, 64};
  private static final int[] GROUP_STRIDES = {1, 2, 2};

  private final int depth;
  private final int widenFactor;

  public WideResNet(
      int depth,
      int widenFactor,
      int inChannels,
      int height,
      int width,
      int numClasses,
      float[] mean,
      float[] std) {
    super(
        new InputNormalization(mean, std),
        backbone(blocksPerGroup(depth), checkedWidenFactor(widenFactor)),
        new Shape(inChannels, height, width),
        GROUP_BASE_WIDTHS[GROUP_BASE_WIDTHS.length - 1] * widenFactor,
        numClasses);
    this.depth = depth;
    this.widenFactor = widenFactor;
  }

  @Override
  public String architecture() {
    return Models.WIDE_RESNET + "-" + depth + "-" + widenFactor;
  }

  @Override
  public WideResNet freshCopy() {
    return new WideResNet(
        depth,
        widenFactor,
        channels(),
        height(),
        width(),
        numClasses(),
        normalization().mean(),
        normalization().std());
  }

  public int depth() {
    return depth;
  }

  public int widenFactor() {
    return widenFactor;
  }

  /** n = (depth - 4) / 6: each block has two convs, plus stem conv, head and two projections. */
  static int blocksPerGroup(int depth) {
    if (depth < 10 || (depth - 4) % 6 != 0) {
      throw new IllegalArgumentException(
          "spec.model.depth: wide-resnet needs depth >= 10 with (depth - 4) divisible by 6 "
              + "(e.g. 16, 28, 34), got "
              + depth);
    }
    return (depth - 4) / 6;
  }

  private static int checkedWidenFactor(int widenFactor) {
    if (widenFactor < 1) {
      throw new IllegalArgumentException(
          "spec.model.widenFactor: wide-resnet needs a widen factor >= 1, got " + widenFactor);
    }
    return widenFactor;
  }

  private static Block backbone(int blocksPerGroup, int widenFactor) {
    SequentialBlock net =
        new SequentialBlock().add(Layers.conv3x3(STEM_CHANNELS, 1, Layers.HE_NORMAL_FAN_OUT));
    int channels = STEM_CHANNELS;
    for (int group = 0; group < GROUP_BASE_WIDTHS.length; group++) {
      int groupWidth = GROUP_BASE_WIDTHS[group] * widenFactor;
      SequentialBlock blocks = new SequentialBlock();
      for (int i = 0; i < blocksPerGroup; i++) {
        int stride = i == 0 ? GROUP_STRIDES[group] : 1;
        blocks.add(new PreActBasicBlock(channels, groupWidth, stride, Layers.HE_NORMAL_FAN_OUT));
        channels = groupWidth;
      }
      net.add(blocks);
    }
    return net.add(Layers.batchNorm()).add(Activation.reluBlock()).add(Pool.globalAvgPool2dBlock());
  }
}
