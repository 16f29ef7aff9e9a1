package dev.arrest.trainer.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small files in the exact on-disk formats, for the reader tests. */
final class DatasetFiles {

  private DatasetFiles() {}

  /** An IDX file: magic, the dimensions (big-endian), then the body bytes. */
  static byte[] idx(int magic, int[] dimensions, byte[] body) {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dimensions.length + body.length);
    buffer.putInt(magic);
    for (int dimension : dimensions) {
      buffer.putInt(dimension);
    }
    buffer.put(body);
    return buffer.array();
  }

  static byte[] idxImages(int count, int rows, int columns, byte[] pixels) {
    return idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, columns}, pixels);
  }

  static byte[] idxLabels(byte[] labels) {
    return idx(IdxReader.LABELS_MAGIC, new int[] {labels.length}, labels);
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A deterministic, position-dependent pixel value, so layout mistakes change the numbers. */
  static int pattern(int image, int channel, int y, int x) {
    return (image * 41 + channel * 89 + y * 7 + x * 3) & 0xFF;
  }

  /** {@code count} Fashion-MNIST-shaped (28x28) images following {@link #pattern}. */
  static byte[] mnistPixels(int count) {
    byte[] pixels = new byte[count * 28 * 28];
    for (int i = 0; i < count; i++) {
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          pixels[(i * 28 + y) * 28 + x] = (byte) pattern(i, 0, y, x);
        }
      }
    }
    return pixels;
  }

  /**
   * One CIFAR record: the label bytes, then red, green and blue 32x32 planes (row-major) following
   * {@link #pattern} for image number {@code image}.
   */
  static byte[] cifarRecord(int image, int... labelBytes) {
    byte[] record = new byte[labelBytes.length + 3 * 32 * 32];
    for (int i = 0; i < labelBytes.length; i++) {
      record[i] = (byte) labelBytes[i];
    }
    int position = labelBytes.length;
    for (int channel = 0; channel < 3; channel++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          record[position++] = (byte) pattern(image, channel, y, x);
        }
      }
    }
    return record;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      bytes.writeBytes(part);
    }
    return bytes.toByteArray();
  }

  static Path write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a complete Fashion-MNIST split (images + labels, gzip or not) into {@code directory}.
   */
  static void writeFashionMnist(Path directory, String prefix, byte[] labels, boolean gzip) {
    byte[] images = idxImages(labels.length, 28, 28, mnistPixels(labels.length));
    byte[] labelFile = idxLabels(labels);
    String suffix = gzip ? ".gz" : "";
    write(directory.resolve(prefix + "-images-idx3-ubyte" + suffix), gzip ? gzip(images) : images);
    write(
        directory.resolve(prefix + "-labels-idx1-ubyte" + suffix),
        gzip ? gzip(labelFile) : labelFile);
  }
}
