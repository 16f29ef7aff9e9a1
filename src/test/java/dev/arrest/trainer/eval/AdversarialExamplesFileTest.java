package dev.arrest.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdversarialExamplesFileTest {
  @TempDir Path directory;

  /** One .npy entry: its header dictionary and raw little-endian data. */
  private record Npy(String header, ByteBuffer data) {}

  private static Map<String, Npy> read(Path file) throws IOException {
    Map<String, Npy> entries = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        byte[] bytes = readAll(zip);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6], "format version 1.0");
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLength) % 64, "data aligned to 64 bytes");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.endsWith("\n"));
        entries.put(
            entry.getName(),
            new Npy(
                header.trim(),
                ByteBuffer.wrap(bytes, 10 + headerLength, bytes.length - 10 - headerLength)
                    .slice()
                    .order(ByteOrder.LITTLE_ENDIAN)));
      }
    }
    return entries;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  @Test
  void writesNumpyArraysThatRoundTrip() throws IOException {
    AdversarialExamples examples = new AdversarialExamples(new Shape(1, 2, 2));
    examples.add(new AdversarialExamples.Entry(7, 3, 5, 0, new float[] {0.1f, 0.2f, 0.3f, 0.4f}));
    examples.add(new AdversarialExamples.Entry(2, 1, 0, 1, new float[] {1f, 0f, 0.5f, 0.25f}));
    Path file = directory.resolve("evaluate").resolve(AdversarialExamplesFile.FILE_NAME);
    AdversarialExamplesFile.write(
        examples, List.of("apgd-ce-100", "autoattack-standard/fab-t"), file);

    Map<String, Npy> npz = read(file);
    assertEquals(
        List.of(
            "indices.npy",
            "labels.npy",
            "predictions.npy",
            "attacks.npy",
            "images.npy",
            "attack_names.npy"),
        List.copyOf(npz.keySet()));
    assertEquals(
        "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
        npz.get("indices.npy").header());
    assertEquals(7, npz.get("indices.npy").data().getLong(0));
    assertEquals(2, npz.get("indices.npy").data().getLong(8));
    assertEquals(5, npz.get("predictions.npy").data().getLong(0));
    assertEquals(1, npz.get("attacks.npy").data().getLong(8));
    assertEquals(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2, 2), }",
        npz.get("images.npy").header());
    float[] images = new float[8];
    npz.get("images.npy").data().asFloatBuffer().get(images);
    assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 1f, 0f, 0.5f, 0.25f}, images);
    Npy names = npz.get("attack_names.npy");
    assertEquals("{'descr': '<U25', 'fortran_order': False, 'shape': (2,), }", names.header());
    assertEquals('f', names.data().getInt(4 * (25 + "autoattack-standard/".length())));
    assertFalse(Files.exists(file.resolveSibling(file.getFileName() + ".partial")));
  }

  @Test
  void anEmptySetIsStillAValidFile() throws IOException {
    Path file = directory.resolve(AdversarialExamplesFile.FILE_NAME);
    AdversarialExamplesFile.write(
        new AdversarialExamples(new Shape(3, 32, 32)), List.of("pgd-20"), file);
    assertEquals(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3, 32, 32), }",
        read(file).get("images.npy").header());
  }
}
