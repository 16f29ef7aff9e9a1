package dev.arrest.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Loads CIFAR-10 or CIFAR-100 from the files of the official binary archive. */
final class CifarLoader {

  private CifarLoader() {}

  /**
   * Loads a split from {@code directory}, or from its {@code cifar-10-batches-bin/} or {@code
   * cifar-100-binary/} subfolder if that is where the files are.
   */
  static ImageDataset load(CifarFormat format, Path directory, boolean train) {
    String hint = howToObtain(format, directory);
    Path dataDirectory = resolveDataDirectory(format, directory, train, hint);
    // Sizes first, so the pixels go straight into one array of the right length.
    List<Path> files = new ArrayList<>();
    List<Long> recordCounts = new ArrayList<>();
    long totalRecords = 0;
    for (String fileName : format.files(train)) {
      Path file = dataDirectory.resolve(fileName);
      files.add(file);
      long records = countRecords(format, file, hint);
      recordCounts.add(records);
      totalRecords += records;
    }
    if (totalRecords * CifarFormat.SHAPE.size() > Integer.MAX_VALUE - 8) {
      throw new DatasetException(
          dataDirectory,
          "no more images than one Java array can hold (the real "
              + format.displayName
              + " has 60000)",
          totalRecords + " records in " + format.files(train),
          hint);
    }
    int count = (int) totalRecords;
    byte[] pixels = new byte[count * CifarFormat.SHAPE.size()];
    int[] labels = new int[count];
    int next = 0;
    for (int i = 0; i < files.size(); i++) {
      next = readRecords(format, files.get(i), recordCounts.get(i), pixels, labels, next, hint);
    }
    String name = format.name().toLowerCase(Locale.ROOT) + "-" + (train ? "train" : "test");
    return new ImageDataset(name, CifarFormat.SHAPE, format.numClasses, pixels, labels);
  }

  /**
   * The directory itself if it holds the split's first file, else the archive folder inside it if
   * that does.
   */
  private static Path resolveDataDirectory(
      CifarFormat format, Path directory, boolean train, String hint) {
    String firstFile = format.files(train).get(0);
    if (Files.isRegularFile(directory.resolve(firstFile))) {
      return directory;
    }
    Path nested = directory.resolve(format.archiveFolder);
    if (Files.isRegularFile(nested.resolve(firstFile))) {
      return nested;
    }
    if (!Files.isDirectory(directory)) {
      throw new DatasetException(
          directory,
          "a directory holding the " + format.displayName + " binary files",
          "no such directory",
          hint);
    }
    throw new DatasetException(
        directory.resolve(firstFile),
        "the " + format.displayName + " binary file " + firstFile + " here or in " + nested + "/",
        "neither",
        hint);
  }

  private static long countRecords(CifarFormat format, Path file, String hint) {
    long size;
    try {
      if (!Files.isRegularFile(file)) {
        throw new DatasetException(
            file,
            "the " + format.displayName + " binary file " + file.getFileName(),
            "no such file",
            hint);
      }
      size = Files.size(file);
    } catch (IOException e) {
      throw unreadable(format, file, e, hint);
    }
    int recordSize = format.recordSize();
    if (size == 0 || size % recordSize != 0) {
      throw new DatasetException(
          file,
          "a whole number of "
              + recordSize
              + "-byte "
              + format.displayName
              + " records ("
              + format.labelBytes
              + " label byte(s) + 3072 pixel bytes)",
          size
              + " bytes ("
              + size / recordSize
              + " records and "
              + size % recordSize
              + " bytes left over); the file is truncated or not the "
              + format.displayName
              + " binary version",
          hint);
    }
    return size / recordSize;
  }

  /** Appends the file's records at position {@code next}; returns the position after them. */
  private static int readRecords(
      CifarFormat format,
      Path file,
      long expectedRecords,
      byte[] pixels,
      int[] labels,
      int next,
      String hint) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw unreadable(format, file, e, hint);
    }
    int recordSize = format.recordSize();
    int imageSize = CifarFormat.SHAPE.size();
    if (content.length != expectedRecords * recordSize) {
      throw new DatasetException(
          file,
          expectedRecords * recordSize + " bytes, its size a moment ago",
          content.length + " bytes; the file changed while it was being read",
          hint);
    }
    for (int record = 0; record < expectedRecords; record++) {
      int start = record * recordSize;
      labels[next] =
          Labels.checked(
              content[start + format.labelOffset], format.numClasses, file, record, hint);
      System.arraycopy(content, start + format.labelBytes, pixels, next * imageSize, imageSize);
      next++;
    }
    return next;
  }

  private static DatasetException unreadable(
      CifarFormat format, Path file, IOException e, String hint) {
    return new DatasetException(
        file,
        "a readable " + format.displayName + " binary file",
        "a read error (" + e + ")",
        hint,
        e);
  }

  /** How to get the data into {@code directory}, or into spec.dataset.path when it is null. */
  static String howToObtain(CifarFormat format, Path directory) {
    return "To get "
        + format.displayName
        + ", download the binary version ("
        + format.archiveName
        + ") from https://www.cs.toronto.edu/~kriz/cifar.html and extract it into the directory "
        + "named by spec.dataset.path"
        + (directory == null ? "" : " (" + directory + ")")
        + "; files inside its "
        + format.archiveFolder
        + "/ folder are found too";
  }
}
