package dev.arrest.trainer.data;

import static dev.arrest.trainer.data.ImageDatasetTest.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

  private static NDManager manager;

  @BeforeAll
  static void createManager() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void closeManager() {
    manager.close();
  }

  /** The original index of every example of an epoch, batch by batch (image i has pixels i/255). */
  private static List<int[]> epochOrder(DataLoader loader, int epoch) {
    List<int[]> batches = new ArrayList<>();
    for (ImageBatch batch : loader.epoch(manager, epoch)) {
      try (batch) {
        float[] pixels = batch.images().toFloatArray();
        int imageSize = loader.dataset().shape().size();
        int[] originals = new int[batch.size()];
        for (int i = 0; i < originals.length; i++) {
          originals[i] = Math.round(pixels[i * imageSize] * 255);
        }
        batches.add(originals);
      }
    }
    return batches;
  }

  private static int[] flatten(List<int[]> batches) {
    return batches.stream().flatMapToInt(Arrays::stream).toArray();
  }

  @Test
  void batchesHaveNchwFloatImagesAndInt64LabelsWithExactValues() {
    ImageDataset dataset = numbered(5);
    DataLoader loader = DataLoader.builder(dataset, 2).build();

    try (ImageBatch batch = loader.epoch(manager, 0).iterator().next()) {
      assertEquals(new Shape(2, 2, 2, 3), batch.images().getShape());
      assertEquals(DataType.FLOAT32, batch.images().getDataType());
      assertEquals(new Shape(2), batch.labels().getShape());
      assertEquals(DataType.INT64, batch.labels().getDataType());
      float[] expected = new float[2 * 12];
      dataset.copyImage(0, expected, 0);
      dataset.copyImage(1, expected, 12);
      assertArrayEquals(expected, batch.images().toFloatArray());
      assertArrayEquals(new long[] {0, 1}, batch.labels().toLongArray());
    }
  }

  @Test
  void keepsThePartialLastBatchByDefault() {
    DataLoader loader = DataLoader.builder(numbered(7), 3).build();

    List<int[]> batches = epochOrder(loader, 0);

    assertEquals(3, loader.batchesPerEpoch());
    assertEquals(3, batches.size());
    assertArrayEquals(new int[] {6}, batches.get(2));
    try (ImageBatch last = lastBatch(loader)) {
      assertEquals(new Shape(1, 2, 2, 3), last.images().getShape());
      assertArrayEquals(new long[] {6 % 5}, last.labels().toLongArray());
    }
  }

  @Test
  void dropLastSkipsOnlyAnIncompleteBatch() {
    DataLoader dropping = DataLoader.builder(numbered(7), 3).dropLast(true).build();
    DataLoader exact = DataLoader.builder(numbered(6), 3).dropLast(true).build();

    assertEquals(2, dropping.batchesPerEpoch());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, flatten(epochOrder(dropping, 0)));
    assertEquals(2, exact.batchesPerEpoch());
    assertEquals(2, epochOrder(exact, 0).size());
  }

  @Test
  void withoutShuffleEveryEpochIsInDatasetOrder() {
    DataLoader loader = DataLoader.builder(numbered(10), 4).seed(3).build();

    assertArrayEquals(IntStream.range(0, 10).toArray(), flatten(epochOrder(loader, 0)));
    assertArrayEquals(IntStream.range(0, 10).toArray(), flatten(epochOrder(loader, 5)));
  }

  @Test
  void shuffledEpochIsAPermutationReproducibleFromSeedPlusEpoch() {
    ImageDataset dataset = numbered(40);
    DataLoader loader = DataLoader.builder(dataset, 8).shuffle(true).seed(100).build();
    DataLoader resumed = DataLoader.builder(dataset, 8).shuffle(true).seed(100).build();
    DataLoader shiftedSeed = DataLoader.builder(dataset, 8).shuffle(true).seed(101).build();

    int[] epoch0 = flatten(epochOrder(loader, 0));
    int[] epoch1 = flatten(epochOrder(loader, 1));

    assertArrayEquals(IntStream.range(0, 40).toArray(), IntStream.of(epoch0).sorted().toArray());
    assertArrayEquals(IntStream.range(0, 40).toArray(), IntStream.of(epoch1).sorted().toArray());
    assertNotEquals(Arrays.toString(IntStream.range(0, 40).toArray()), Arrays.toString(epoch0));
    assertNotEquals(Arrays.toString(epoch0), Arrays.toString(epoch1));
    assertArrayEquals(epoch1, flatten(epochOrder(resumed, 1)), "a fresh loader reproduces epoch 1");
    assertArrayEquals(epoch1, flatten(epochOrder(shiftedSeed, 0)), "epoch e uses seed + e");
  }

  @Test
  void labelsStayWithTheirImagesWhenShuffled() {
    DataLoader loader = DataLoader.builder(numbered(23), 5).shuffle(true).seed(8).build();

    for (ImageBatch batch : loader.epoch(manager, 2)) {
      try (batch) {
        float[] pixels = batch.images().toFloatArray();
        long[] labels = batch.labels().toLongArray();
        for (int i = 0; i < labels.length; i++) {
          assertEquals(Math.round(pixels[i * 12] * 255) % 5, labels[i]);
        }
      }
    }
  }

  @Test
  void augmentationIsReproducibleAndDoesNotChangeTheOrder() {
    ImageDataset dataset = numbered(12);
    ImageAugmentation flip = new RandomHorizontalFlip(0.5);
    ImageAugmentation marking =
        (pixels, offset, shape, random) -> {
          flip.apply(pixels, offset, shape, random);
          pixels[offset + 1] = random.nextFloat(); // records the random stream in the image
        };
    DataLoader plain = DataLoader.builder(dataset, 5).shuffle(true).seed(4).build();
    DataLoader augmented =
        DataLoader.builder(dataset, 5).shuffle(true).seed(4).augmentation(marking).build();

    assertArrayEquals(flatten(epochOrder(plain, 3)), flatten(epochOrder(augmented, 3)));
    float[] first = allPixels(augmented, 3);
    assertArrayEquals(first, allPixels(augmented, 3), "same seed and epoch, same augmentation");
    assertFalse(Arrays.equals(first, allPixels(augmented, 4)), "another epoch draws differently");
  }

  @Test
  void earlierBatchesKeepTheirContentWhileLaterOnesAreBuilt() {
    ImageDataset dataset = numbered(6);
    Iterator<ImageBatch> batches =
        DataLoader.builder(dataset, 2).build().epoch(manager, 0).iterator();

    try (ImageBatch first = batches.next();
        ImageBatch second = batches.next()) {
      float[] expected = new float[24];
      dataset.copyImage(0, expected, 0);
      dataset.copyImage(1, expected, 12);
      assertArrayEquals(expected, first.images().toFloatArray());
      assertEquals(2 / 255f, second.images().toFloatArray()[0]);
    }
  }

  @Test
  void closingABatchReleasesItsArrays() {
    ImageBatch batch =
        DataLoader.builder(numbered(4), 4).build().epoch(manager, 0).iterator().next();
    var derived = batch.images().mul(2);

    batch.close();

    assertTrue(batch.images().isReleased());
    assertTrue(batch.labels().isReleased());
    assertTrue(derived.isReleased(), "results computed from the batch belong to it");
  }

  @Test
  void iteratorEndsAfterTheLastBatch() {
    Iterator<ImageBatch> batches =
        DataLoader.builder(numbered(2), 2).build().epoch(manager, 0).iterator();
    batches.next().close();

    assertFalse(batches.hasNext());
    assertThrows(NoSuchElementException.class, batches::next);
  }

  @Test
  void rejectsNonPositiveBatchSize() {
    assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(numbered(2), 0));
  }

  private static ImageBatch lastBatch(DataLoader loader) {
    ImageBatch last = null;
    for (ImageBatch batch : loader.epoch(manager, 0)) {
      if (last != null) {
        last.close();
      }
      last = batch;
    }
    return last;
  }

  private static float[] allPixels(DataLoader loader, int epoch) {
    List<float[]> parts = new ArrayList<>();
    for (ImageBatch batch : loader.epoch(manager, epoch)) {
      try (batch) {
        parts.add(batch.images().toFloatArray());
      }
    }
    float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
    int position = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, all, position, part.length);
      position += part.length;
    }
    return all;
  }
}
