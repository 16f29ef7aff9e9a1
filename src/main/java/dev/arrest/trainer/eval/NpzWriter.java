package dev.arrest.trainer.eval;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes NumPy's .npz format (a zip of .npy files, format version 1.0, little-endian), so that
 * {@code numpy.load} reads the arrays directly. The file is written next to its destination and
 * moved into place, so readers never see a partial file, and a writer closed without {@link
 * #commit} leaves nothing behind.
 */
final class NpzWriter implements AutoCloseable {
  private final Path target;
  private final Path partial;
  private final ZipOutputStream zip;
  private boolean complete;

  NpzWriter(Path target) throws IOException {
    this.target = target;
    Files.createDirectories(target.toAbsolutePath().getParent());
    this.partial = target.resolveSibling(target.getFileName() + ".partial");
    this.zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)));
  }

  void floats(String name, float[] values, long... shape) throws IOException {
    ByteBuffer data = buffer(4L * values.length);
    data.asFloatBuffer().put(values);
    entry(name, "<f4", shape, values.length, data.array());
  }

  void longs(String name, long[] values, long... shape) throws IOException {
    ByteBuffer data = buffer(8L * values.length);
    data.asLongBuffer().put(values);
    entry(name, "<i8", shape, values.length, data.array());
  }

  /** Fixed-width unicode strings (numpy dtype {@code <U n}, UTF-32 little-endian, zero padded). */
  void strings(String name, String[] values) throws IOException {
    int width =
        Math.max(
            1,
            Arrays.stream(values).mapToInt(s -> s.codePointCount(0, s.length())).max().orElse(1));
    ByteBuffer data = buffer(4L * width * values.length);
    for (String value : values) {
      int[] codePoints = value.codePoints().toArray();
      for (int i = 0; i < width; i++) {
        data.putInt(i < codePoints.length ? codePoints[i] : 0);
      }
    }
    entry(name, "<U" + width, new long[] {values.length}, values.length, data.array());
  }

  private void entry(String name, String dtype, long[] shape, long count, byte[] data)
      throws IOException {
    if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != count) {
      throw new IllegalArgumentException(
          name + ": shape " + Arrays.toString(shape) + " does not hold " + count + " values");
    }
    zip.putNextEntry(new ZipEntry(name + ".npy"));
    writeHeader(zip, dtype, shape);
    zip.write(data);
    zip.closeEntry();
  }

  private static void writeHeader(OutputStream out, String dtype, long[] shape) throws IOException {
    String dims =
        shape.length == 1
            ? shape[0] + ","
            : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    StringBuilder header =
        new StringBuilder(
            "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims + "), }");
    // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64 and
    // ended by a newline.
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    DataOutputStream data = new DataOutputStream(out);
    data.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    byte[] text = header.toString().getBytes(StandardCharsets.US_ASCII);
    data.write(text.length & 0xff);
    data.write(text.length >>> 8);
    data.write(text);
    data.flush();
  }

  private static ByteBuffer buffer(long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "array of " + bytes + " bytes is too large for one .npy entry");
    }
    return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Marks the file complete: {@link #close} then moves it into place (otherwise it deletes it). */
  void commit() {
    complete = true;
  }

  @Override
  public void close() throws IOException {
    zip.close();
    if (complete) {
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.deleteIfExists(partial);
    }
  }
}
