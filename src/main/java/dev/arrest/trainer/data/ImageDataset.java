package dev.arrest.trainer.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An in-memory labelled image dataset. Images are exposed as float pixels in [0, 1] in CHW layout;
 * labels are class indices in [0, numClasses).
 *
 * <p>Pixels are stored as the original 8-bit values in one {@code byte[]} and converted to floats
 * only when a batch is built. Both supported formats are 8-bit, so nothing is lost, and the
 * CIFAR-10 training set takes 150 MB instead of the 600 MB a {@code float[]} would need; the
 * conversion is a table lookup per pixel, negligible next to a forward pass.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class ImageDataset {

  /** value / 255f for every byte value, so the conversion is exact and identical everywhere. */
  private static final float[] UNIT_SCALE = new float[256];

  static {
    for (int value = 0; value < UNIT_SCALE.length; value++) {
      UNIT_SCALE[value] = value / 255f;
    }
  }

  private final String name;
  private final ImageShape shape;
  private final int numClasses;
  private final byte[] pixels;
  private final int[] labels;

  /**
   * Wraps the given arrays without copying them (a copy of CIFAR would briefly double the memory
   * footprint), so the caller must not modify them afterwards.
   *
   * @param pixels unsigned 8-bit pixel values, image after image, each in CHW layout
   * @param labels one class index per image
   */
  public ImageDataset(String name, ImageShape shape, int numClasses, byte[] pixels, int[] labels) {
    this.name = Objects.requireNonNull(name, "name");
    this.shape = Objects.requireNonNull(shape, "shape");
    this.pixels = Objects.requireNonNull(pixels, "pixels");
    this.labels = Objects.requireNonNull(labels, "labels");
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
    }
    this.numClasses = numClasses;
    if ((long) labels.length * shape.size() != pixels.length) {
      throw new IllegalArgumentException(
          name
              + ": "
              + labels.length
              + " labels need "
              + (long) labels.length * shape.size()
              + " pixel values of shape "
              + shape
              + ", got "
              + pixels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            name
                + ": label of image "
                + i
                + " is "
                + labels[i]
                + ", outside [0, "
                + numClasses
                + ")");
      }
    }
  }

  /** Human-readable name, e.g. {@code cifar10-train[first 1000]}. */
  public String name() {
    return name;
  }

  public int size() {
    return labels.length;
  }

  public ImageShape shape() {
    return shape;
  }

  public int numClasses() {
    return numClasses;
  }

  public int label(int index) {
    return labels[Objects.checkIndex(index, labels.length)];
  }

  /** A copy of all labels, in dataset order. */
  public int[] labels() {
    return labels.clone();
  }

  /** The pixel at channel {@code c}, row {@code y}, column {@code x} of an image, in [0, 1]. */
  public float pixel(int index, int c, int y, int x) {
    Objects.checkIndex(index, labels.length);
    Objects.checkIndex(c, shape.channels());
    Objects.checkIndex(y, shape.height());
    Objects.checkIndex(x, shape.width());
    int offset = index * shape.size() + (c * shape.height() + y) * shape.width() + x;
    return UNIT_SCALE[pixels[offset] & 0xFF];
  }

  /** Writes image {@code index} as {@code shape().size()} floats in [0, 1] (CHW) into dest. */
  public void copyImage(int index, float[] dest, int destOffset) {
    Objects.checkIndex(index, labels.length);
    int imageSize = shape.size();
    Objects.checkFromIndexSize(destOffset, imageSize, dest.length);
    int source = index * imageSize;
    for (int i = 0; i < imageSize; i++) {
      dest[destOffset + i] = UNIT_SCALE[pixels[source + i] & 0xFF];
    }
  }

  /** Image {@code index} as a new array of floats in [0, 1], CHW. */
  public float[] image(int index) {
    float[] image = new float[shape.size()];
    copyImage(index, image, 0);
    return image;
  }

  /** Number of images per class; index = class. */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  /**
   * {@code n} distinct examples drawn uniformly at random without replacement, in their original
   * order. The choice depends only on the seed and the dataset, and a larger {@code n} with the
   * same seed keeps every example a smaller one chose (the draw is a prefix of one shuffle).
   */
  public ImageDataset randomSubset(int n, long seed) {
    requireSubsetSize(n, "random");
    int[] order = Permutations.identity(size());
    Permutations.shufflePrefix(order, n, new SplittableRandom(seed));
    int[] chosen = Arrays.copyOf(order, n);
    Arrays.sort(chosen);
    return select(chosen, name + "[random " + n + " of " + size() + ", seed " + seed + "]");
  }

  /**
   * {@code n} examples drawn at random with every class in its proportion of the dataset (within
   * one example; {@link StratifiedSample}), in their original order. The choice depends only on the
   * seed and the dataset. Unlike the first {@code n}, which may be easier or harder than the whole
   * set, it estimates the whole set's accuracy without bias and with no class over-represented.
   */
  public ImageDataset stratifiedSubset(int n, long seed) {
    requireSubsetSize(n, "stratified");
    return select(
        StratifiedSample.indices(labels, numClasses, n, seed),
        name + "[stratified " + n + " of " + size() + ", seed " + seed + "]");
  }

  /** The first {@code n} examples, e.g. a fixed evaluation slice of a test set. */
  public ImageDataset firstN(int n) {
    requireSubsetSize(n, "first");
    return select(Permutations.identity(n), name + "[first " + n + "]");
  }

  private void requireSubsetSize(int n, String kind) {
    if (n < 1 || n > size()) {
      throw new DatasetException(
          "Cannot take the "
              + kind
              + " "
              + n
              + " examples of "
              + name
              + ": expected a count between 1 and "
              + size()
              + " (the number of examples it has)");
    }
  }

  private ImageDataset select(int[] indices, String subsetName) {
    int imageSize = shape.size();
    byte[] subsetPixels = new byte[indices.length * imageSize];
    int[] subsetLabels = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(pixels, indices[i] * imageSize, subsetPixels, i * imageSize, imageSize);
      subsetLabels[i] = labels[indices[i]];
    }
    return new ImageDataset(subsetName, shape, numClasses, subsetPixels, subsetLabels);
  }

  @Override
  public String toString() {
    return name + " (" + size() + " images of " + shape + ", " + numClasses + " classes)";
  }
}
