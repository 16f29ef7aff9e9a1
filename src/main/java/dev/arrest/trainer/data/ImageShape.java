package dev.arrest.trainer.data;

/** The shape of one image in CHW layout: channels, then rows, then columns. */
public record ImageShape(int channels, int height, int width) {

  public ImageShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image dimensions must be positive, got " + channels + "x" + height + "x" + width);
    }
  }

  /** Number of values in one image: channels * height * width. */
  public int size() {
    return channels * height * width;
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
