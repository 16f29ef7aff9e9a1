package dev.arrest.trainer.data;

import java.util.Objects;
import java.util.random.RandomGenerator;

/** Mirrors the image left to right with a given probability. */
public final class RandomHorizontalFlip implements ImageAugmentation {

  private final double probability;

  public RandomHorizontalFlip(double probability) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    this.probability = probability;
  }

  @Override
  public void apply(float[] pixels, int offset, ImageShape shape, RandomGenerator random) {
    if (random.nextDouble() < probability) {
      mirror(pixels, offset, shape);
    }
  }

  /** Reverses every row of every channel. */
  static void mirror(float[] pixels, int offset, ImageShape shape) {
    Objects.checkFromIndexSize(offset, shape.size(), pixels.length);
    int width = shape.width();
    int rows = shape.channels() * shape.height();
    for (int row = 0; row < rows; row++) {
      int left = offset + row * width;
      int right = left + width - 1;
      while (left < right) {
        float tmp = pixels[left];
        pixels[left++] = pixels[right];
        pixels[right--] = tmp;
      }
    }
  }

  public double probability() {
    return probability;
  }

  @Override
  public String toString() {
    return "RandomHorizontalFlip(" + probability + ")";
  }
}
