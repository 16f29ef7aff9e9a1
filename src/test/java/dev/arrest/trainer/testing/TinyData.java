package dev.arrest.trainer.testing;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arrest.trainer.data.DatasetKind;
import dev.arrest.trainer.data.ImageDataset;
import dev.arrest.trainer.data.ImageShape;
import dev.arrest.trainer.engine.Network;
import dev.arrest.trainer.model.Models;
import java.util.Random;

/** Small Fashion-MNIST-shaped data and networks for trainer tests. */
public final class TinyData {
  private TinyData() {}

  /**
   * A learnable 10-class set: class k is a bright horizontal band at rows 2k..2k+3 on a noisy
   * background, so a few SGD steps separate the classes.
   */
  public static ImageDataset bands(int size, long seed) {
    ImageShape shape = new ImageShape(1, 28, 28);
    byte[] pixels = new byte[size * shape.size()];
    int[] labels = new int[size];
    Random random = new Random(seed);
    for (int i = 0; i < size; i++) {
      labels[i] = i % 10;
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          boolean band = y >= 2 * labels[i] + 2 && y < 2 * labels[i] + 6;
          int value = band ? 200 + random.nextInt(56) : random.nextInt(60);
          pixels[i * shape.size() + y * 28 + x] = (byte) value;
        }
      }
    }
    return new ImageDataset("bands", shape, 10, pixels, labels);
  }

  /** {@link #bands} as one batch: images [size, 1, 28, 28] in [0, 1] and their labels. */
  public static NDList bandsBatch(int size, long seed, NDManager manager) {
    ImageDataset data = bands(size, seed);
    float[] pixels = new float[size * 28 * 28];
    long[] classes = new long[size];
    for (int i = 0; i < size; i++) {
      data.copyImage(i, pixels, i * 28 * 28);
      classes[i] = data.label(i);
    }
    return new NDList(manager.create(pixels, new Shape(size, 1, 28, 28)), manager.create(classes));
  }

  public static Network smallCnn(NDManager manager) {
    return network("small-cnn", 0, 0, manager);
  }

  /** WRN-10-1: the smallest network here with batch normalization. */
  public static Network tinyWideResNet(NDManager manager) {
    return network("wide-resnet", 10, 1, manager);
  }

  private static Network network(String architecture, int depth, int widen, NDManager manager) {
    DatasetKind kind = DatasetKind.FASHION_MNIST;
    return new Network(
        Models.builder()
            .setArchitecture(architecture)
            .fitDataset(kind)
            .optDepth(depth)
            .optWidenFactor(widen)
            .build(),
        manager,
        new Shape(1, 28, 28));
  }
}
