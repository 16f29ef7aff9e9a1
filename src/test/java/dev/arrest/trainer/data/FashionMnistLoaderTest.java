package dev.arrest.trainer.data;

import static dev.arrest.trainer.data.DatasetFiles.gzip;
import static dev.arrest.trainer.data.DatasetFiles.idx;
import static dev.arrest.trainer.data.DatasetFiles.idxImages;
import static dev.arrest.trainer.data.DatasetFiles.idxLabels;
import static dev.arrest.trainer.data.DatasetFiles.mnistPixels;
import static dev.arrest.trainer.data.DatasetFiles.pattern;
import static dev.arrest.trainer.data.DatasetFiles.write;
import static dev.arrest.trainer.data.DatasetFiles.writeFashionMnist;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FashionMnistLoaderTest {

  private static final byte[] LABELS = {9, 0, 3, 7, 1};

  @TempDir Path dir;

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {true, false})
  void readsPixelsRowMajorScaledToUnitRangeAndLabels(boolean gzip) {
    writeFashionMnist(dir, "t10k", LABELS, gzip);

    ImageDataset test = FashionMnistLoader.load(dir, false);

    assertEquals("fashion-mnist-test", test.name());
    assertEquals(new ImageShape(1, 28, 28), test.shape());
    assertEquals(10, test.numClasses());
    assertArrayEquals(new int[] {9, 0, 3, 7, 1}, test.labels());
    for (int i = 0; i < LABELS.length; i++) {
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          assertEquals(
              pattern(i, 0, y, x) / 255f,
              test.pixel(i, 0, y, x),
              "image " + i + " (" + y + "," + x + ")");
        }
      }
    }
  }

  @Test
  void loadsTrainingFilesForTrainSplit() {
    writeFashionMnist(dir, "train", new byte[] {4, 4}, true);
    writeFashionMnist(dir, "t10k", LABELS, true);

    ImageDataset train = FashionMnistLoader.load(dir, true);

    assertEquals("fashion-mnist-train", train.name());
    assertArrayEquals(new int[] {4, 4}, train.labels());
  }

  @Test
  void recognisesGzipByContentNotByName() {
    // Compressed data under the plain name, plain data under the .gz name.
    write(dir.resolve("t10k-images-idx3-ubyte"), gzip(idxImages(2, 28, 28, mnistPixels(2))));
    write(dir.resolve("t10k-labels-idx1-ubyte.gz"), idxLabels(new byte[] {5, 6}));

    ImageDataset test = FashionMnistLoader.load(dir, false);

    assertArrayEquals(new int[] {5, 6}, test.labels());
    assertEquals(pattern(1, 0, 27, 27) / 255f, test.pixel(1, 0, 27, 27));
  }

  @Test
  void scalesExtremeBytesToZeroAndOne() {
    byte[] pixels = new byte[28 * 28];
    pixels[0] = (byte) 255;
    pixels[1] = (byte) 128;
    write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(1, 28, 28, pixels));
    write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(new byte[] {0}));

    ImageDataset test = FashionMnistLoader.load(dir, false);

    assertEquals(1f, test.pixel(0, 0, 0, 0));
    assertEquals(128 / 255f, test.pixel(0, 0, 0, 1));
    assertEquals(0f, test.pixel(0, 0, 0, 2));
  }

  @Test
  void missingFileNamesTheFileAndHowToInstall() {
    writeFashionMnist(dir, "t10k", LABELS, true);

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, true));

    assertMessage(e, dir.resolve("train-images-idx3-ubyte.gz"), "expected the Fashion-MNIST file");
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    assertTrue(e.getMessage().contains("into " + dir), e.getMessage());
  }

  @Test
  void missingDirectoryIsReported() {
    Path absent = dir.resolve("nowhere");

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(absent, false));

    assertTrue(e.getMessage().contains("no directory " + absent), e.getMessage());
  }

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {true, false})
  void truncatedImagesFileSaysHowManyBytesWereExpected(boolean gzip) {
    writeFashionMnist(dir, "t10k", LABELS, false);
    byte[] full = idxImages(5, 28, 28, mnistPixels(5));
    byte[] cut = Arrays.copyOf(full, full.length - 100);
    Path images = write(dir.resolve("t10k-images-idx3-ubyte"), gzip ? gzip(cut) : cut);

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, images, "expected 5 images of 28x28 pixels (3920 bytes after the header");
    assertTrue(e.getMessage().contains("only 3820 bytes"), e.getMessage());
  }

  @Test
  void cutGzipStreamIsReportedAsUnreadable() {
    writeFashionMnist(dir, "t10k", LABELS, true);
    Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
    byte[] compressed = gzip(idxImages(5, 28, 28, mnistPixels(5)));
    write(images, Arrays.copyOf(compressed, compressed.length / 2));

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, images, "expected a readable IDX file");
  }

  @Test
  void fileShorterThanHeaderIsReported() {
    writeFashionMnist(dir, "t10k", LABELS, false);
    Path labels = write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8});

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, labels, "expected an IDX labels header of 8 bytes");
    assertTrue(e.getMessage().contains("only 3 bytes"), e.getMessage());
  }

  @Test
  void swappedFilesAreDetectedByMagicNumber() {
    writeFashionMnist(dir, "t10k", LABELS, false);
    Path images = write(dir.resolve("t10k-images-idx3-ubyte"), idxLabels(LABELS));

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, images, "expected the IDX images magic number 0x00000803");
    assertTrue(e.getMessage().contains("found 0x00000801"), e.getMessage());
    assertTrue(e.getMessage().contains("swapped"), e.getMessage());
  }

  @Test
  void foreignFileIsRejectedByMagicNumber() {
    writeFashionMnist(dir, "t10k", LABELS, false);
    Path labels = write(dir.resolve("t10k-labels-idx1-ubyte"), "<html>Not Found</html>".getBytes());

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, labels, "expected the IDX labels magic number 0x00000801");
    assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
  }

  @Test
  void imageAndLabelCountMismatchNamesBothFiles() {
    writeFashionMnist(dir, "t10k", LABELS, false);
    Path labels = write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(new byte[] {1, 2, 3}));

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(
        e,
        labels,
        "expected one label per image of " + dir.resolve("t10k-images-idx3-ubyte") + " (5)");
    assertTrue(e.getMessage().contains("found 3 labels"), e.getMessage());
  }

  @Test
  void labelOutOfRangeNamesTheExample() {
    writeFashionMnist(dir, "t10k", LABELS, false);
    Path labels =
        write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(new byte[] {1, 2, 3, 10, 0}));

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, labels, "expected labels between 0 and 9");
    assertTrue(e.getMessage().contains("label 10 for example 3"), e.getMessage());
  }

  @Test
  void wrongImageSizeIsRejected() {
    writeFashionMnist(dir, "t10k", LABELS, false);
    Path images =
        write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(5, 32, 32, new byte[5 * 32 * 32]));

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, images, "expected Fashion-MNIST images of 28x28 pixels");
    assertTrue(e.getMessage().contains("found images of 32x32"), e.getMessage());
  }

  @Test
  void dataBeyondWhatTheHeaderSaysIsRejected() {
    writeFashionMnist(dir, "t10k", LABELS, false);
    byte[] labelsWithTrailer = DatasetFiles.concat(idxLabels(LABELS), new byte[] {1});
    Path labels = write(dir.resolve("t10k-labels-idx1-ubyte"), labelsWithTrailer);

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, labels, "expected the file to end after 5 labels");
  }

  @Test
  void hugeHeaderCountFailsWithoutAllocating() {
    writeFashionMnist(dir, "t10k", LABELS, false);
    Path images =
        write(
            dir.resolve("t10k-images-idx3-ubyte"),
            idx(IdxReader.IMAGES_MAGIC, new int[] {Integer.MAX_VALUE, 28, 28}, new byte[0]));

    DatasetException e =
        assertThrows(DatasetException.class, () -> FashionMnistLoader.load(dir, false));

    assertMessage(e, images, "expected at most");
  }

  @Test
  void realFashionMnistTestSetHasTenBalancedClasses() {
    Path installed = FashionMnistLoader.DEFAULT_DIRECTORY;
    assumeTrue(Files.isDirectory(installed), "Fashion-MNIST is not installed in " + installed);

    ImageDataset test = FashionMnistLoader.load(installed, false);

    assertEquals(10000, test.size());
    int[] expected = new int[10];
    Arrays.fill(expected, 1000);
    assertArrayEquals(expected, test.classCounts());
    float[] first = test.image(0);
    float max = 0;
    for (float value : first) {
      assertTrue(value >= 0f && value <= 1f);
      max = Math.max(max, value);
    }
    assertTrue(max > 0.5f, "the first test image should not be blank");
  }

  static void assertMessage(DatasetException e, Path file, String expectedPart) {
    assertEquals(file, e.file().orElseThrow());
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
  }
}
