package dev.arrest.trainer.data;

import java.nio.file.Path;

/** Range checks for labels read from disk, reported against the file they came from. */
final class Labels {

  private Labels() {}

  /** The unsigned label byte as a class index, or an error if it is not below numClasses. */
  static int checked(
      byte rawLabel, int numClasses, Path file, long recordIndex, String howToObtain) {
    int label = rawLabel & 0xFF;
    if (label >= numClasses) {
      throw new DatasetException(
          file,
          "labels between 0 and " + (numClasses - 1),
          "label "
              + label
              + " for example "
              + recordIndex
              + "; the file is corrupt or belongs to a different dataset",
          howToObtain);
    }
    return label;
  }
}
