package dev.arrest.trainer.data;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A random transformation of one image, applied in place to floats in CHW layout. All randomness
 * must come from the given generator, so a seeded generator gives reproducible output.
 */
@FunctionalInterface
public interface ImageAugmentation {

  /** Transforms {@code pixels[offset .. offset + shape.size())} in place. */
  void apply(float[] pixels, int offset, ImageShape shape, RandomGenerator random);

  /** This augmentation, then {@code next}. */
  default ImageAugmentation andThen(ImageAugmentation next) {
    Objects.requireNonNull(next, "next");
    return (pixels, offset, shape, random) -> {
      apply(pixels, offset, shape, random);
      next.apply(pixels, offset, shape, random);
    };
  }

  /**
   * The standard CIFAR training augmentation: random crop with 4 pixels of zero padding, then a
   * flip.
   */
  static ImageAugmentation standardCifar() {
    return new RandomCropWithPadding(4).andThen(new RandomHorizontalFlip(0.5));
  }
}
