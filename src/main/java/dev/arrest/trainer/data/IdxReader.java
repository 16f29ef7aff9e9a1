package dev.arrest.trainer.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: a big-endian header (magic number, then one
 * 32-bit size per dimension) followed by unsigned bytes. Gzip compression is recognised by the
 * file's first two bytes, so a decompressed file keeps working under its {@code .gz} name and vice
 * versa.
 */
final class IdxReader {

  /** Unsigned-byte data, 3 dimensions: count, rows, columns. */
  static final int IMAGES_MAGIC = 0x00000803;

  /** Unsigned-byte data, 1 dimension: count. */
  static final int LABELS_MAGIC = 0x00000801;

  private static final int GZIP_MAGIC = 0x1f8b;
  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  /** The decoded content of an images file; pixels are row-major, image after image. */
  record Images(int count, int rows, int columns, byte[] pixels) {}

  private IdxReader() {}

  static Images readImages(Path file, String howToObtain) {
    try (InputStream in = open(file, howToObtain)) {
      int[] dimensions = readHeader(in, IMAGES_MAGIC, 3, file, howToObtain);
      int count = dimension(dimensions[0], "image count", file, howToObtain);
      int rows = dimension(dimensions[1], "row count", file, howToObtain);
      int columns = dimension(dimensions[2], "column count", file, howToObtain);
      long length = (long) count * rows * columns;
      if (length > MAX_ARRAY_LENGTH) {
        throw new DatasetException(
            file,
            "at most " + MAX_ARRAY_LENGTH + " pixels",
            "a header announcing " + count + " images of " + rows + "x" + columns,
            howToObtain);
      }
      String what = count + " images of " + rows + "x" + columns + " pixels";
      return new Images(count, rows, columns, readBody(in, (int) length, what, file, howToObtain));
    } catch (IOException e) {
      throw unreadable(file, e, howToObtain);
    }
  }

  static byte[] readLabels(Path file, String howToObtain) {
    try (InputStream in = open(file, howToObtain)) {
      int count =
          dimension(
              readHeader(in, LABELS_MAGIC, 1, file, howToObtain)[0],
              "label count",
              file,
              howToObtain);
      return readBody(in, count, count + " labels", file, howToObtain);
    } catch (IOException e) {
      throw unreadable(file, e, howToObtain);
    }
  }

  private static InputStream open(Path file, String howToObtain) throws IOException {
    InputStream raw;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (NoSuchFileException e) {
      throw new DatasetException(file, "an IDX file", "no such file", howToObtain);
    }
    try {
      raw.mark(2);
      int first = raw.read();
      int second = raw.read();
      raw.reset();
      return ((first << 8) | second) == GZIP_MAGIC ? new GZIPInputStream(raw, 1 << 16) : raw;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Checks the magic number, then returns the dimension sizes that follow it. */
  private static int[] readHeader(
      InputStream in, int magic, int dimensionCount, Path file, String howToObtain)
      throws IOException {
    int headerLength = 4 + 4 * dimensionCount;
    String what = "an IDX " + kind(magic) + " header of " + headerLength + " bytes";
    byte[] magicBytes = in.readNBytes(4);
    if (magicBytes.length < 4) {
      throw new DatasetException(
          file, what, "a file of only " + magicBytes.length + " bytes", howToObtain);
    }
    checkMagic(ByteBuffer.wrap(magicBytes).getInt(), magic, file, howToObtain); // IDX is big-endian
    byte[] dimensionBytes = in.readNBytes(headerLength - 4);
    if (dimensionBytes.length < headerLength - 4) {
      throw new DatasetException(
          file, what, "a file of only " + (4 + dimensionBytes.length) + " bytes", howToObtain);
    }
    ByteBuffer dimensions = ByteBuffer.wrap(dimensionBytes);
    int[] sizes = new int[dimensionCount];
    for (int i = 0; i < dimensionCount; i++) {
      sizes[i] = dimensions.getInt();
    }
    return sizes;
  }

  private static String kind(int magic) {
    return magic == IMAGES_MAGIC ? "images" : "labels";
  }

  private static void checkMagic(int found, int expected, Path file, String howToObtain) {
    if (found == expected) {
      return;
    }
    String foundText = String.format("0x%08X", found);
    if (found == LABELS_MAGIC) {
      foundText += ", the magic of an IDX labels file (are the images and labels files swapped?)";
    } else if (found == IMAGES_MAGIC) {
      foundText += ", the magic of an IDX images file (are the images and labels files swapped?)";
    } else {
      foundText += ", so this is not an IDX file of that kind";
    }
    String expectedText = String.format("the IDX %s magic number 0x%08X", kind(expected), expected);
    throw new DatasetException(file, expectedText, foundText, howToObtain);
  }

  private static int dimension(int value, String name, Path file, String howToObtain) {
    if (value < 0) {
      throw new DatasetException(
          file,
          "a non-negative " + name + " in the IDX header",
          Integer.toUnsignedString(value),
          howToObtain);
    }
    return value;
  }

  private static byte[] readBody(
      InputStream in, int length, String what, Path file, String howToObtain) throws IOException {
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new DatasetException(
          file,
          what + " (" + length + " bytes after the header, as the header says)",
          "only " + body.length + " bytes; the file is truncated",
          howToObtain);
    }
    if (in.read() != -1) {
      throw new DatasetException(
          file,
          "the file to end after " + what + " as the header says",
          "more data after them; the header does not match the content",
          howToObtain);
    }
    return body;
  }

  private static DatasetException unreadable(Path file, IOException e, String howToObtain) {
    return new DatasetException(
        file,
        "a readable IDX file (plain or gzip-compressed)",
        "a read error (" + e + "); the file may be truncated or corrupt",
        howToObtain,
        e);
  }
}
