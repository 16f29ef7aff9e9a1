package dev.arrest.trainer.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The supported datasets, with the facts a model needs before seeing any data: image shape, number
 * of classes and the per-channel mean and standard deviation of the training set (for input
 * normalisation inside the model, so that attacks still work in [0, 1] pixel space).
 */
public enum DatasetKind {
  FASHION_MNIST(
      "fashion-mnist",
      FashionMnistLoader.SHAPE,
      FashionMnistLoader.NUM_CLASSES,
      new float[] {0.2860f},
      new float[] {0.3530f}),
  CIFAR10(
      "cifar10",
      CifarFormat.SHAPE,
      CifarFormat.CIFAR10.numClasses,
      new float[] {0.4914f, 0.4822f, 0.4465f},
      new float[] {0.2471f, 0.2435f, 0.2616f}),
  CIFAR100(
      "cifar100",
      CifarFormat.SHAPE,
      CifarFormat.CIFAR100.numClasses,
      new float[] {0.5071f, 0.4865f, 0.4409f},
      new float[] {0.2673f, 0.2564f, 0.2762f});

  private final String id;
  private final ImageShape shape;
  private final int numClasses;
  private final float[] mean;
  private final float[] std;

  DatasetKind(String id, ImageShape shape, int numClasses, float[] mean, float[] std) {
    this.id = id;
    this.shape = shape;
    this.numClasses = numClasses;
    this.mean = mean;
    this.std = std;
  }

  /**
   * The kind named {@code name}: {@code fashion-mnist}, {@code cifar10} or {@code cifar100}. Case,
   * dashes and underscores are ignored, so {@code CIFAR-10} and {@code fashion_mnist} work.
   *
   * @throws DatasetException for any other name, listing the supported ones
   */
  public static DatasetKind fromId(String name) {
    String wanted = normalize(name);
    for (DatasetKind kind : values()) {
      if (normalize(kind.id).equals(wanted)) {
        return kind;
      }
    }
    throw new DatasetException(
        "Unknown dataset '"
            + name
            + "': expected one of "
            + Arrays.stream(values()).map(DatasetKind::id).collect(Collectors.joining(", ")));
  }

  private static String normalize(String name) {
    return name == null ? "" : name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** The name used in specs and on the command line, e.g. {@code cifar10}. */
  public String id() {
    return id;
  }

  public ImageShape shape() {
    return shape;
  }

  public int channels() {
    return shape.channels();
  }

  public int height() {
    return shape.height();
  }

  public int width() {
    return shape.width();
  }

  public int numClasses() {
    return numClasses;
  }

  /** Per-channel mean of the training pixels in [0, 1]; a copy, one value per channel. */
  public float[] mean() {
    return mean.clone();
  }

  /** Per-channel standard deviation of the training pixels in [0, 1]; a copy. */
  public float[] std() {
    return std.clone();
  }

  /** Where the data is looked for when no path is given; only Fashion-MNIST has such a place. */
  public Optional<Path> defaultDirectory() {
    return this == FASHION_MNIST
        ? Optional.of(FashionMnistLoader.DEFAULT_DIRECTORY)
        : Optional.empty();
  }

  /**
   * Loads the training or test split from {@code directory}, or from {@link #defaultDirectory()}
   * when it is null.
   *
   * @throws DatasetException if the files are missing or malformed, or no directory is known
   */
  public ImageDataset load(Path directory, boolean train) {
    Path resolved =
        directory != null ? directory : defaultDirectory().orElseThrow(this::missingPath);
    return switch (this) {
      case FASHION_MNIST -> FashionMnistLoader.load(resolved, train);
      case CIFAR10 -> CifarLoader.load(CifarFormat.CIFAR10, resolved, train);
      case CIFAR100 -> CifarLoader.load(CifarFormat.CIFAR100, resolved, train);
    };
  }

  private DatasetException missingPath() {
    CifarFormat format = this == CIFAR10 ? CifarFormat.CIFAR10 : CifarFormat.CIFAR100;
    return new DatasetException(
        "No directory given for dataset "
            + id
            + ": expected spec.dataset.path to "
            + "name the directory holding its files, as "
            + id
            + " has no default location. "
            + CifarLoader.howToObtain(format, null));
  }
}
