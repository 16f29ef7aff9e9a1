package dev.arrest.trainer.model;

import java.util.List;

/** Builds the supported architectures by their ArrestTraining spelling. */
public final class Models {

  public static final String SMALL_CNN = "small-cnn";
  public static final String PREACT_RESNET18 = "preact-resnet18";
  public static final String WIDE_RESNET = "wide-resnet";

  /** The architectures {@link #create} accepts. */
  public static final List<String> ARCHITECTURES = List.of(SMALL_CNN, PREACT_RESNET18, WIDE_RESNET);

  private Models() {}

  /**
   * Creates an uninitialized model. Seed the engine ({@code Engine.getInstance().setRandomSeed})
   * before {@code initialize} for a reproducible initialization.
   *
   * @param architecture one of {@link #ARCHITECTURES}
   * @param depth wide-resnet depth, (depth - 4) divisible by 6; ignored by other architectures
   * @param widenFactor wide-resnet widen factor; ignored by other architectures
   * @param inChannels image channels
   * @param height image height
   * @param width image width
   * @param numClasses number of classes
   * @param mean per-channel normalization mean, in pixel units
   * @param std per-channel normalization standard deviation, in pixel units
   * @return the model
   * @throws IllegalArgumentException for an unknown architecture or invalid sizes
   */
  public static RepresentationClassifier create(
      String architecture,
      int depth,
      int widenFactor,
      int inChannels,
      int height,
      int width,
      int numClasses,
      float[] mean,
      float[] std) {
    if (architecture == null) {
      throw new IllegalArgumentException(
          "spec.model.architecture is missing; expected one of " + ARCHITECTURES);
    }
    if (inChannels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image shape must be positive, got " + inChannels + "x" + height + "x" + width);
    }
    switch (architecture) {
      case SMALL_CNN:
        return new SmallCnn(inChannels, height, width, numClasses, mean, std);
      case PREACT_RESNET18:
        return new PreActResNet18(inChannels, height, width, numClasses, mean, std);
      case WIDE_RESNET:
        return new WideResNet(depth, widenFactor, inChannels, height, width, numClasses, mean, std);
      default:
        throw new IllegalArgumentException(
            "spec.model.architecture: unknown architecture '"
                + architecture
                + "', expected one of "
                + ARCHITECTURES);
    }
  }
}
