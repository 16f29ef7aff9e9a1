package dev.arrest.trainer.data;

import java.nio.file.Path;

/** Loads a dataset by the name used in specs and on the command line. */
public final class Datasets {

  private Datasets() {}

  /**
   * Loads the training or test split of {@code name} ({@code fashion-mnist}, {@code cifar10} or
   * {@code cifar100}) from {@code pathOrNull}, or from the dataset's default directory if null.
   *
   * @throws DatasetException for an unknown name or missing or malformed files
   */
  public static ImageDataset load(String name, Path pathOrNull, boolean train) {
    return DatasetKind.fromId(name).load(pathOrNull, train);
  }
}
