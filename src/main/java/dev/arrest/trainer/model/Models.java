package dev.arrest.trainer.model;

import dev.arrest.trainer.data.DatasetKind;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the supported architectures by their ArrestTraining spelling, with a builder in the style
 * of DJL's block builders: {@code set*} for what every model needs, {@code opt*} for values with a
 * default.
 *
 * <pre>{@code
 * RepresentationClassifier model =
 *     Models.builder().setArchitecture(Models.WIDE_RESNET).fitDataset(kind).optDepth(28).build();
 * }</pre>
 */
public final class Models {

  public static final String SMALL_CNN = "small-cnn";
  public static final String PREACT_RESNET18 = "preact-resnet18";
  public static final String WIDE_RESNET = "wide-resnet";

  /** The architectures {@link Builder#setArchitecture} accepts. */
  public static final List<String> ARCHITECTURES = List.of(SMALL_CNN, PREACT_RESNET18, WIDE_RESNET);

  /** WideResNet-34-10, the paper's CIFAR model (and spec.model's defaults). */
  public static final int DEFAULT_DEPTH = 34;

  public static final int DEFAULT_WIDEN_FACTOR = 10;

  private Models() {}

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Collects a model's configuration; {@link #build} checks it and creates an uninitialized model.
   * Seed the engine ({@code Engine.getInstance().setRandomSeed}) before {@code initialize} for a
   * reproducible initialization.
   */
  public static final class Builder {
    private String architecture;
    private int channels;
    private int height;
    private int width;
    private int numClasses;
    private float[] mean;
    private float[] std;
    private int depth = DEFAULT_DEPTH;
    private int widenFactor = DEFAULT_WIDEN_FACTOR;
    private float dropoutRate = SmallCnn.DEFAULT_DROPOUT_RATE;

    private Builder() {}

    /** One of {@link #ARCHITECTURES}. */
    public Builder setArchitecture(String architecture) {
      this.architecture = architecture;
      return this;
    }

    /** The size of one image, channels first. */
    public Builder setImageShape(int channels, int height, int width) {
      this.channels = channels;
      this.height = height;
      this.width = width;
      return this;
    }

    public Builder setNumClasses(int numClasses) {
      this.numClasses = numClasses;
      return this;
    }

    /**
     * Per-channel normalization the model applies to its [0, 1] input, in pixel units; without it
     * the model sees the pixels unchanged (mean 0, std 1).
     */
    public Builder optNormalization(float[] mean, float[] std) {
      this.mean = mean.clone();
      this.std = std.clone();
      return this;
    }

    /** Image shape, classes and normalization of a dataset. */
    public Builder fitDataset(DatasetKind kind) {
      return setImageShape(kind.channels(), kind.height(), kind.width())
          .setNumClasses(kind.numClasses())
          .optNormalization(kind.mean(), kind.std());
    }

    /** wide-resnet depth, (depth - 4) divisible by 6; ignored by other architectures. */
    public Builder optDepth(int depth) {
      this.depth = depth;
      return this;
    }

    /** wide-resnet widen factor; ignored by other architectures. */
    public Builder optWidenFactor(int widenFactor) {
      this.widenFactor = widenFactor;
      return this;
    }

    /** small-cnn's dropout rate before its second hidden layer; ignored by other architectures. */
    public Builder optDropoutRate(float dropoutRate) {
      this.dropoutRate = dropoutRate;
      return this;
    }

    /**
     * @throws IllegalArgumentException for an unknown architecture or invalid sizes
     */
    public RepresentationClassifier build() {
      if (architecture == null) {
        throw new IllegalArgumentException(
            "spec.model.architecture is missing; expected one of " + ARCHITECTURES);
      }
      if (channels < 1 || height < 1 || width < 1) {
        throw new IllegalArgumentException(
            "image shape must be positive, got " + channels + "x" + height + "x" + width);
      }
      float[] channelMean = mean != null ? mean : filled(channels, 0f);
      float[] channelStd = std != null ? std : filled(channels, 1f);
      switch (architecture) {
        case SMALL_CNN:
          return new SmallCnn(
              channels, height, width, numClasses, channelMean, channelStd, dropoutRate);
        case PREACT_RESNET18:
          return new PreActResNet18(channels, height, width, numClasses, channelMean, channelStd);
        case WIDE_RESNET:
          return new WideResNet(
              depth, widenFactor, channels, height, width, numClasses, channelMean, channelStd);
        default:
          throw new IllegalArgumentException(
              "spec.model.architecture: unknown architecture '"
                  + architecture
                  + "', expected one of "
                  + ARCHITECTURES);
      }
    }

    private static float[] filled(int length, float value) {
      float[] values = new float[length];
      Arrays.fill(values, value);
      return values;
    }
  }
}
