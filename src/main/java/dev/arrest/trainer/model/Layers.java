package dev.arrest.trainer.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;

/**
 * The DJL layers the models are built from, configured like the PyTorch reference code.
 *
 * <p>Initializers are set on each layer, not on the whole model, because convolutions and linear
 * layers use different schemes. A training config that calls {@code optInitializer} overrides them.
 * Biases, BatchNorm shift and running mean start at 0, BatchNorm scale and running variance at 1
 * (DJL's defaults, same as PyTorch's).
 */
final class Layers {

  /** He normal, std = sqrt(2 / fan_in): {@code kaiming_normal_}, as TRADES' SmallCNN uses. */
  static final Initializer HE_NORMAL_FAN_IN =
      new XavierInitializer(RandomType.GAUSSIAN, FactorType.IN, 2);

  /**
   * He normal, std = sqrt(2 / fan_out), fan_out = out_channels * kernel area: what TRADES'
   * WideResNet (and torchvision's ResNet) use for convolutions.
   */
  static final Initializer HE_NORMAL_FAN_OUT =
      new XavierInitializer(RandomType.GAUSSIAN, FactorType.OUT, 2);

  /** U(-1/sqrt(fan_in), 1/sqrt(fan_in)): the weight distribution of PyTorch's nn.Linear. */
  static final Initializer LINEAR_WEIGHT =
      new XavierInitializer(RandomType.UNIFORM, FactorType.IN, 1);

  private Layers() {}

  static Conv2d conv(
      int filters, int kernel, int stride, int padding, boolean bias, Initializer weights) {
    Conv2d conv =
        Conv2d.builder()
            .setFilters(filters)
            .setKernelShape(new Shape(kernel, kernel))
            .optStride(new Shape(stride, stride))
            .optPadding(new Shape(padding, padding))
            .optBias(bias)
            .build();
    conv.setInitializer(weights, Parameter.Type.WEIGHT);
    return conv;
  }

  /** 3x3 convolution, padding 1, no bias (a BatchNorm follows or precedes it). */
  static Conv2d conv3x3(int filters, int stride, Initializer weights) {
    return conv(filters, 3, stride, 1, false, weights);
  }

  /** 1x1 projection for residual shortcuts whose shape changes. */
  static Conv2d conv1x1(int filters, int stride, Initializer weights) {
    return conv(filters, 1, stride, 0, false, weights);
  }

  /**
   * BatchNorm over channels with PyTorch's defaults: eps 1e-5 and running-stat momentum 0.1. DJL
   * states momentum as the weight of the old value, so PyTorch's 0.1 is DJL's 0.9.
   */
  static BatchNorm batchNorm() {
    return BatchNorm.builder().optAxis(1).optEpsilon(1e-5f).optMomentum(0.9f).build();
  }

  static Linear linear(long units) {
    Linear linear = Linear.builder().setUnits(units).optBias(true).build();
    linear.setInitializer(LINEAR_WEIGHT, Parameter.Type.WEIGHT);
    return linear;
  }
}
