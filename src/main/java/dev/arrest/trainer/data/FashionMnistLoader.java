package dev.arrest.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads Fashion-MNIST from the four IDX files of the official distribution (or of the Debian
 * package {@code dataset-fashion-mnist}), gzip-compressed or not.
 */
final class FashionMnistLoader {

  static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
  static final ImageShape SHAPE = new ImageShape(1, 28, 28);
  static final int NUM_CLASSES = 10;

  private FashionMnistLoader() {}

  /** Loads the training (60000) or test (10000) split from {@code directory}. */
  static ImageDataset load(Path directory, boolean train) {
    String hint = howToObtain(directory);
    String prefix = train ? "train" : "t10k";
    Path imagesFile = locate(directory, prefix + "-images-idx3-ubyte", hint);
    Path labelsFile = locate(directory, prefix + "-labels-idx1-ubyte", hint);

    IdxReader.Images images = IdxReader.readImages(imagesFile, hint);
    if (images.rows() != SHAPE.height() || images.columns() != SHAPE.width()) {
      throw new DatasetException(
          imagesFile,
          "Fashion-MNIST images of 28x28 pixels",
          "images of " + images.rows() + "x" + images.columns(),
          hint);
    }
    byte[] rawLabels = IdxReader.readLabels(labelsFile, hint);
    if (rawLabels.length != images.count()) {
      throw new DatasetException(
          labelsFile,
          "one label per image of " + imagesFile + " (" + images.count() + ")",
          rawLabels.length + " labels",
          hint);
    }
    int[] labels = new int[rawLabels.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = Labels.checked(rawLabels[i], NUM_CLASSES, labelsFile, i, hint);
    }
    String name = "fashion-mnist-" + (train ? "train" : "test");
    return new ImageDataset(name, SHAPE, NUM_CLASSES, images.pixels(), labels);
  }

  /** The compressed file if present, else the uncompressed one. */
  private static Path locate(Path directory, String baseName, String hint) {
    Path compressed = directory.resolve(baseName + ".gz");
    if (Files.isRegularFile(compressed)) {
      return compressed;
    }
    Path plain = directory.resolve(baseName);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    String found =
        Files.isDirectory(directory)
            ? "neither " + baseName + ".gz nor " + baseName
            : "no directory " + directory;
    throw new DatasetException(
        compressed,
        "the Fashion-MNIST file " + baseName + ".gz (or " + baseName + " uncompressed)",
        found,
        hint);
  }

  static String howToObtain(Path directory) {
    return "To get Fashion-MNIST, run 'apt-get install dataset-fashion-mnist' (installs it into "
        + DEFAULT_DIRECTORY
        + "/), or download train-images-idx3-ubyte.gz, "
        + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz "
        + "from https://github.com/zalandoresearch/fashion-mnist into "
        + directory
        + "/";
  }
}
