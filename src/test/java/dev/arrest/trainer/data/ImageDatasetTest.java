package dev.arrest.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {

  private static final ImageShape SHAPE = new ImageShape(2, 2, 3);

  /**
   * Image i has every pixel equal to i (as a byte) and label i % 5, so identity is visible
   * everywhere.
   */
  static ImageDataset numbered(int count) {
    byte[] pixels = new byte[count * SHAPE.size()];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      Arrays.fill(pixels, i * SHAPE.size(), (i + 1) * SHAPE.size(), (byte) i);
      labels[i] = i % 5;
    }
    return new ImageDataset("numbered", SHAPE, 5, pixels, labels);
  }

  /** Which original image this one is, read back from its pixels. */
  static int originalIndex(ImageDataset dataset, int index) {
    return Math.round(dataset.pixel(index, 0, 0, 0) * 255);
  }

  @Test
  void exposesPixelsInChwOrderAsFloatsInUnitRange() {
    byte[] pixels = new byte[SHAPE.size()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 23);
    }
    pixels[11] = (byte) 255;
    ImageDataset dataset = new ImageDataset("one", SHAPE, 3, pixels, new int[] {2});

    float[] image = dataset.image(0);

    for (int i = 0; i < 11; i++) {
      assertEquals((i * 23) / 255f, image[i]);
    }
    assertEquals(1f, image[11]);
    // channel 1, row 1, column 2 is the last value of the CHW layout
    assertEquals(1f, dataset.pixel(0, 1, 1, 2));
    assertEquals(image[(1 * 2 + 0) * 3 + 1], dataset.pixel(0, 1, 0, 1));
    assertEquals(2, dataset.label(0));
  }

  @Test
  void copyImageWritesAtTheOffsetOnly() {
    ImageDataset dataset = numbered(3);
    float[] dest = new float[2 * SHAPE.size() + 1];
    Arrays.fill(dest, -1f);

    dataset.copyImage(2, dest, SHAPE.size());

    for (int i = 0; i < SHAPE.size(); i++) {
      assertEquals(-1f, dest[i]);
      assertEquals(2 / 255f, dest[SHAPE.size() + i]);
    }
    assertEquals(-1f, dest[dest.length - 1]);
  }

  @Test
  void rejectsInconsistentArraysAndLabels() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ImageDataset("x", SHAPE, 5, new byte[SHAPE.size() + 1], new int[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ImageDataset("x", SHAPE, 5, new byte[SHAPE.size()], new int[] {5}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ImageDataset("x", SHAPE, 5, new byte[SHAPE.size()], new int[] {-1}));
  }

  @Test
  void countsImagesPerClass() {
    assertArrayEquals(new int[] {3, 3, 2, 2, 2}, numbered(12).classCounts());
  }

  @Test
  void randomSubsetIsDeterministicForASeedAndWithoutDuplicates() {
    ImageDataset dataset = numbered(200);

    ImageDataset first = dataset.randomSubset(50, 42);
    ImageDataset again = dataset.randomSubset(50, 42);
    ImageDataset otherSeed = dataset.randomSubset(50, 43);

    int[] chosen = originals(first);
    assertArrayEquals(chosen, originals(again));
    assertNotEquals(Arrays.toString(chosen), Arrays.toString(originals(otherSeed)));
    Set<Integer> distinct = new HashSet<>();
    for (int i = 0; i < chosen.length; i++) {
      assertTrue(distinct.add(chosen[i]), "duplicate example " + chosen[i]);
      assertEquals(chosen[i] % 5, first.label(i), "label travels with its image");
    }
    assertEquals(50, first.size());
    assertTrue(first.name().contains("random 50 of 200, seed 42"), first.name());
  }

  @Test
  void randomSubsetIsNotJustAPrefixAndGrowsConsistently() {
    ImageDataset dataset = numbered(200);

    int[] small = originals(dataset.randomSubset(20, 7));
    int[] large = originals(dataset.randomSubset(60, 7));

    assertTrue(small[small.length - 1] >= 20, "a uniform sample should reach past the first 20");
    Set<Integer> largeSet = new HashSet<>();
    Arrays.stream(large).forEach(largeSet::add);
    Arrays.stream(small).forEach(i -> assertTrue(largeSet.contains(i), "60-subset misses " + i));
  }

  @Test
  void randomSubsetOfEverythingIsAPermutationOfAll() {
    ImageDataset all = numbered(30).randomSubset(30, 1);

    assertArrayEquals(java.util.stream.IntStream.range(0, 30).toArray(), originals(all));
  }

  @Test
  void randomSubsetSamplesEveryExampleAboutEquallyOften() {
    ImageDataset dataset = numbered(10);
    int[] hits = new int[10];
    for (int seed = 0; seed < 2000; seed++) {
      for (int original : originals(dataset.randomSubset(3, seed))) {
        hits[original]++;
      }
    }
    for (int count : hits) { // expected 600 each
      assertTrue(count > 500 && count < 700, Arrays.toString(hits));
    }
  }

  private static int[] perClass(ImageDataset subset) {
    return subset.classCounts();
  }

  @Test
  void stratifiedSubsetBalancesTheClassesOfABalancedSet() {
    ImageDataset dataset = numbered(200); // 40 images of each of 5 classes

    for (int n : new int[] {5, 53, 99, 137}) {
      int[] counts = perClass(dataset.stratifiedSubset(n, 3));
      int min = Arrays.stream(counts).min().orElseThrow();
      int max = Arrays.stream(counts).max().orElseThrow();
      assertEquals(n, Arrays.stream(counts).sum());
      assertTrue(max - min <= 1, n + " images: per-class counts " + Arrays.toString(counts));
    }
  }

  @Test
  void stratifiedSubsetKeepsEachClassWithinOneOfItsShareOfAnUnbalancedSet() {
    int[] labels = new int[100];
    Arrays.fill(labels, 0, 60, 0);
    Arrays.fill(labels, 60, 90, 1);
    Arrays.fill(labels, 90, 100, 2);
    ImageDataset dataset =
        new ImageDataset("skewed", SHAPE, 3, new byte[100 * SHAPE.size()], labels);

    assertArrayEquals(new int[] {12, 6, 2}, perClass(dataset.stratifiedSubset(20, 1)));
    // Shares 4.2, 2.1 and 0.7: the largest remainder gets the seventh image.
    assertArrayEquals(new int[] {4, 2, 1}, perClass(dataset.stratifiedSubset(7, 1)));
  }

  @Test
  void stratifiedSubsetIsDeterministicPerSeedAndNotTheFirstImages() {
    ImageDataset dataset = numbered(200);

    ImageDataset subset = dataset.stratifiedSubset(50, 42);
    int[] chosen = originals(subset);

    assertArrayEquals(
        chosen, originals(dataset.stratifiedSubset(50, 42)), "same seed, same images");
    assertNotEquals(
        Arrays.toString(chosen),
        Arrays.toString(originals(dataset.stratifiedSubset(50, 43))),
        "another seed, other images");
    assertNotEquals(
        Arrays.toString(originals(dataset.firstN(50))),
        Arrays.toString(chosen),
        "not the first 50");
    assertTrue(chosen[chosen.length - 1] >= 50, "reaches past the first 50");
    Set<Integer> distinct = new HashSet<>();
    for (int i = 0; i < chosen.length; i++) {
      assertTrue(i == 0 || chosen[i] > chosen[i - 1], "in test-set order");
      assertTrue(distinct.add(chosen[i]), "duplicate example " + chosen[i]);
      assertEquals(chosen[i] % 5, subset.label(i), "label travels with its image");
    }
    assertTrue(subset.name().contains("stratified 50 of 200, seed 42"), subset.name());
    assertArrayEquals(
        java.util.stream.IntStream.range(0, 200).toArray(),
        originals(dataset.stratifiedSubset(200, 9)),
        "all images when n is the whole set");
    assertThrows(DatasetException.class, () -> dataset.stratifiedSubset(201, 0));
  }

  @Test
  void firstNKeepsTheLeadingExamplesInOrder() {
    ImageDataset head = numbered(10).firstN(4);

    assertArrayEquals(new int[] {0, 1, 2, 3}, originals(head));
    assertArrayEquals(new int[] {0, 1, 2, 3}, head.labels());
    assertEquals("numbered[first 4]", head.name());
  }

  @Test
  void askingForMoreExamplesThanExistNamesBothNumbers() {
    ImageDataset dataset = numbered(10);

    DatasetException random =
        assertThrows(DatasetException.class, () -> dataset.randomSubset(11, 0));
    DatasetException first = assertThrows(DatasetException.class, () -> dataset.firstN(11));
    assertThrows(DatasetException.class, () -> dataset.firstN(0));

    for (DatasetException e : new DatasetException[] {random, first}) {
      assertTrue(e.getMessage().contains(" 11 examples of numbered"), e.getMessage());
      assertTrue(e.getMessage().contains("between 1 and 10"), e.getMessage());
    }
  }

  private static int[] originals(ImageDataset subset) {
    int[] result = new int[subset.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = originalIndex(subset, i);
    }
    return result;
  }
}
