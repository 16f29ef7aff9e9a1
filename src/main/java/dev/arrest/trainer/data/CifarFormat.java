package dev.arrest.trainer.data;

import java.util.List;

/**
 * The record layout and file names of the "binary version" archives of CIFAR-10 and CIFAR-100 from
 * https://www.cs.toronto.edu/~kriz/cifar.html. A record is the label byte(s) followed by 3072 pixel
 * bytes: the red, green and blue 32x32 planes, each row-major, which is already CHW.
 */
enum CifarFormat {
  CIFAR10(
      "CIFAR-10",
      "cifar-10-binary.tar.gz",
      "cifar-10-batches-bin",
      List.of(
          "data_batch_1.bin",
          "data_batch_2.bin",
          "data_batch_3.bin",
          "data_batch_4.bin",
          "data_batch_5.bin"),
      List.of("test_batch.bin"),
      1,
      0,
      10),

  /** Records hold a coarse (20 superclasses) then a fine (100 classes) label; we train on fine. */
  CIFAR100(
      "CIFAR-100",
      "cifar-100-binary.tar.gz",
      "cifar-100-binary",
      List.of("train.bin"),
      List.of("test.bin"),
      2,
      1,
      100);

  static final ImageShape SHAPE = new ImageShape(3, 32, 32);

  final String displayName;
  final String archiveName;

  /** The folder the archive extracts to; the loader also looks inside it. */
  final String archiveFolder;

  final List<String> trainFiles;
  final List<String> testFiles;
  final int labelBytes;
  final int labelOffset;
  final int numClasses;

  CifarFormat(
      String displayName,
      String archiveName,
      String archiveFolder,
      List<String> trainFiles,
      List<String> testFiles,
      int labelBytes,
      int labelOffset,
      int numClasses) {
    this.displayName = displayName;
    this.archiveName = archiveName;
    this.archiveFolder = archiveFolder;
    this.trainFiles = trainFiles;
    this.testFiles = testFiles;
    this.labelBytes = labelBytes;
    this.labelOffset = labelOffset;
    this.numClasses = numClasses;
  }

  int recordSize() {
    return labelBytes + SHAPE.size();
  }

  List<String> files(boolean train) {
    return train ? trainFiles : testFiles;
  }
}
