package dev.arrest.trainer.data;

import static dev.arrest.trainer.data.DatasetFiles.cifarRecord;
import static dev.arrest.trainer.data.DatasetFiles.concat;
import static dev.arrest.trainer.data.DatasetFiles.pattern;
import static dev.arrest.trainer.data.DatasetFiles.write;
import static dev.arrest.trainer.data.FashionMnistLoaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarLoaderTest {

  @TempDir Path dir;

  /** data_batch_k.bin holds images 2(k-1) and 2(k-1)+1, labelled (image % 10). */
  private void writeCifar10Train(Path directory) {
    for (int batch = 1; batch <= 5; batch++) {
      int first = 2 * (batch - 1);
      write(
          directory.resolve("data_batch_" + batch + ".bin"),
          concat(cifarRecord(first, first % 10), cifarRecord(first + 1, (first + 1) % 10)));
    }
  }

  @Test
  void cifar10KeepsRedGreenBluePlanesInChwOrderScaledToUnitRange() {
    write(
        dir.resolve("test_batch.bin"),
        concat(cifarRecord(0, 3), cifarRecord(1, 9), cifarRecord(2, 0)));

    ImageDataset test = CifarLoader.load(CifarFormat.CIFAR10, dir, false);

    assertEquals("cifar10-test", test.name());
    assertEquals(new ImageShape(3, 32, 32), test.shape());
    assertEquals(10, test.numClasses());
    assertArrayEquals(new int[] {3, 9, 0}, test.labels());
    for (int image = 0; image < 3; image++) {
      float[] pixels = test.image(image);
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            float expected = pattern(image, c, y, x) / 255f;
            assertEquals(expected, pixels[(c * 32 + y) * 32 + x]);
            assertEquals(expected, test.pixel(image, c, y, x));
          }
        }
      }
    }
  }

  @Test
  void cifar10SingleBrightPixelLandsInItsChannelRowAndColumn() {
    byte[] record = new byte[1 + 3072];
    record[0] = 1;
    record[1 + 1024 + 5 * 32 + 7] = (byte) 255; // green plane, row 5, column 7
    write(dir.resolve("test_batch.bin"), record);

    ImageDataset test = CifarLoader.load(CifarFormat.CIFAR10, dir, false);

    float[] pixels = test.image(0);
    assertEquals(1f, test.pixel(0, 1, 5, 7));
    assertEquals(1f, pixels[1024 + 5 * 32 + 7]);
    assertEquals(1f, (float) Arrays.stream(toDoubles(pixels)).sum(), "every other pixel is zero");
  }

  @Test
  void cifar10TrainConcatenatesTheFiveBatchesInOrder() {
    writeCifar10Train(dir);

    ImageDataset train = CifarLoader.load(CifarFormat.CIFAR10, dir, true);

    assertEquals("cifar10-train", train.name());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, train.labels());
    for (int image = 0; image < 10; image++) {
      assertEquals(pattern(image, 2, 31, 31) / 255f, train.pixel(image, 2, 31, 31));
    }
  }

  @Test
  void cifar10FilesAreFoundInTheArchiveFolder() {
    writeCifar10Train(dir.resolve("cifar-10-batches-bin"));

    assertEquals(10, CifarLoader.load(CifarFormat.CIFAR10, dir, true).size());
  }

  @Test
  void cifar100UsesFineLabelsAndSkipsBothLabelBytes() {
    Path folder = dir.resolve("cifar-100-binary");
    write(folder.resolve("train.bin"), concat(cifarRecord(0, 19, 99), cifarRecord(1, 4, 42)));
    write(folder.resolve("test.bin"), cifarRecord(7, 0, 55));

    ImageDataset train = CifarLoader.load(CifarFormat.CIFAR100, dir, true);
    ImageDataset test = CifarLoader.load(CifarFormat.CIFAR100, dir, false);

    assertEquals("cifar100-train", train.name());
    assertEquals(100, train.numClasses());
    assertArrayEquals(new int[] {99, 42}, train.labels());
    assertArrayEquals(new int[] {55}, test.labels());
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          assertEquals(pattern(1, c, y, x) / 255f, train.pixel(1, c, y, x));
          assertEquals(pattern(7, c, y, x) / 255f, test.pixel(0, c, y, x));
        }
      }
    }
  }

  @Test
  void missingBatchNamesTheFileAndTheArchiveToDownload() {
    writeCifar10Train(dir);
    Path third = dir.resolve("data_batch_3.bin");
    third.toFile().delete();

    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarLoader.load(CifarFormat.CIFAR10, dir, true));

    assertMessage(e, third, "expected the CIFAR-10 binary file data_batch_3.bin");
    assertTrue(e.getMessage().contains("found no such file"), e.getMessage());
    assertTrue(e.getMessage().contains("binary version (cifar-10-binary.tar.gz)"), e.getMessage());
    assertTrue(e.getMessage().contains("spec.dataset.path (" + dir + ")"), e.getMessage());
  }

  @Test
  void emptyDirectoryReportsTheFirstFile() {
    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarLoader.load(CifarFormat.CIFAR100, dir, false));

    assertMessage(
        e,
        dir.resolve("test.bin"),
        "expected the CIFAR-100 binary file test.bin here or in "
            + dir.resolve("cifar-100-binary"));
    assertTrue(e.getMessage().contains("cifar-100-binary.tar.gz"), e.getMessage());
  }

  @Test
  void missingDirectoryIsReported() {
    Path absent = dir.resolve("absent");

    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarLoader.load(CifarFormat.CIFAR10, absent, false));

    assertMessage(e, absent, "expected a directory holding the CIFAR-10 binary files");
  }

  @Test
  void truncatedFileReportsRecordSizeAndLeftoverBytes() {
    byte[] twoRecords = concat(cifarRecord(0, 1), cifarRecord(1, 2));
    Path file =
        write(dir.resolve("test_batch.bin"), Arrays.copyOf(twoRecords, twoRecords.length - 10));

    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarLoader.load(CifarFormat.CIFAR10, dir, false));

    assertMessage(e, file, "expected a whole number of 3073-byte CIFAR-10 records");
    assertTrue(
        e.getMessage().contains("found 6136 bytes (1 records and 3063 bytes left over)"),
        e.getMessage());
  }

  @Test
  void cifar10FilesGivenAsCifar100AreRejectedBySize() {
    // The same 3073-byte records read with CIFAR-100's 3074-byte layout.
    Path file = write(dir.resolve("test.bin"), concat(cifarRecord(0, 1), cifarRecord(1, 2)));

    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarLoader.load(CifarFormat.CIFAR100, dir, false));

    assertMessage(e, file, "expected a whole number of 3074-byte CIFAR-100 records");
  }

  @Test
  void emptyFileIsRejected() {
    Path file = write(dir.resolve("test_batch.bin"), new byte[0]);

    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarLoader.load(CifarFormat.CIFAR10, dir, false));

    assertMessage(e, file, "expected a whole number of 3073-byte CIFAR-10 records");
  }

  @Test
  void cifar10LabelOutOfRangeNamesTheRecord() {
    Path file = write(dir.resolve("test_batch.bin"), concat(cifarRecord(0, 1), cifarRecord(1, 10)));

    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarLoader.load(CifarFormat.CIFAR10, dir, false));

    assertMessage(e, file, "expected labels between 0 and 9");
    assertTrue(e.getMessage().contains("label 10 for example 1"), e.getMessage());
  }

  @Test
  void cifar100FineLabelOutOfRangeIsRejected() {
    Path file = write(dir.resolve("test.bin"), cifarRecord(0, 3, 100));

    DatasetException e =
        assertThrows(
            DatasetException.class, () -> CifarLoader.load(CifarFormat.CIFAR100, dir, false));

    assertMessage(e, file, "expected labels between 0 and 99");
    assertTrue(e.getMessage().contains("label 100 for example 0"), e.getMessage());
  }

  private static double[] toDoubles(float[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }
}
