package dev.arrest.trainer.data;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Pads the image with {@code padding} zero pixels on every side and crops a window of the original
 * size at a uniformly random position. That is the same as shifting the image by (dy, dx), each
 * uniform in [-padding, padding], and filling the uncovered border with zeros, which is how it is
 * done here: in place, with no padded copy.
 */
public final class RandomCropWithPadding implements ImageAugmentation {

  private final int padding;

  public RandomCropWithPadding(int padding) {
    if (padding < 0) {
      throw new IllegalArgumentException("padding must not be negative, got " + padding);
    }
    this.padding = padding;
  }

  @Override
  public void apply(float[] pixels, int offset, ImageShape shape, RandomGenerator random) {
    int dy = random.nextInt(2 * padding + 1) - padding;
    int dx = random.nextInt(2 * padding + 1) - padding;
    shift(pixels, offset, shape, dy, dx);
  }

  /**
   * Sets every pixel (y, x) to the old pixel (y + dy, x + dx) of the same channel, or to zero where
   * that lies outside the image; i.e. the crop whose top-left corner is (padding + dy, padding +
   * dx) in the padded image.
   */
  static void shift(float[] pixels, int offset, ImageShape shape, int dy, int dx) {
    Objects.checkFromIndexSize(offset, shape.size(), pixels.length);
    int height = shape.height();
    int width = shape.width();
    // Walk away from the source, so each source pixel is read before it is overwritten.
    int firstY = dy >= 0 ? 0 : height - 1;
    int stepY = dy >= 0 ? 1 : -1;
    int firstX = dx >= 0 ? 0 : width - 1;
    int stepX = dx >= 0 ? 1 : -1;
    for (int c = 0; c < shape.channels(); c++) {
      int plane = offset + c * height * width;
      for (int y = firstY; y >= 0 && y < height; y += stepY) {
        int sourceY = y + dy;
        boolean rowInside = sourceY >= 0 && sourceY < height;
        for (int x = firstX; x >= 0 && x < width; x += stepX) {
          int sourceX = x + dx;
          boolean inside = rowInside && sourceX >= 0 && sourceX < width;
          pixels[plane + y * width + x] = inside ? pixels[plane + sourceY * width + sourceX] : 0f;
        }
      }
    }
  }

  public int padding() {
    return padding;
  }

  @Override
  public String toString() {
    return "RandomCropWithPadding(" + padding + ")";
  }
}
