package dev.arrest.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  private static final ImageShape CIFAR = new ImageShape(3, 32, 32);

  /** Distinct, strictly positive values, so any misplaced or zeroed pixel is visible. */
  private static float[] distinctImage(ImageShape shape) {
    float[] image = new float[shape.size()];
    for (int i = 0; i < image.length; i++) {
      image[i] = (i + 1f) / (image.length + 1f);
    }
    return image;
  }

  /** The reference: zero-pad by {@code padding}, then crop at (padding + dy, padding + dx). */
  private static float[] padAndCrop(float[] image, ImageShape shape, int padding, int dy, int dx) {
    int h = shape.height();
    int w = shape.width();
    int ph = h + 2 * padding;
    int pw = w + 2 * padding;
    float[] result = new float[shape.size()];
    for (int c = 0; c < shape.channels(); c++) {
      float[][] padded = new float[ph][pw];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          padded[y + padding][x + padding] = image[(c * h + y) * w + x];
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          result[(c * h + y) * w + x] = padded[padding + dy + y][padding + dx + x];
        }
      }
    }
    return result;
  }

  private static float[] mirrored(float[] image, ImageShape shape) {
    float[] result = new float[image.length];
    int w = shape.width();
    for (int row = 0; row < shape.channels() * shape.height(); row++) {
      for (int x = 0; x < w; x++) {
        result[row * w + x] = image[row * w + (w - 1 - x)];
      }
    }
    return result;
  }

  @Test
  void mirrorReversesEveryRowOfEveryChannel() {
    ImageShape odd = new ImageShape(2, 3, 5); // odd width: the middle column stays put
    float[] image = distinctImage(odd);
    float[] expected = mirrored(image, odd);

    RandomHorizontalFlip.mirror(image, 0, odd);

    assertArrayEquals(expected, image);
    assertEquals(expected[2], image[2]);
  }

  @Test
  void flipProbabilityZeroAndOneAreNeverAndAlways() {
    float[] original = distinctImage(CIFAR);
    float[] never = original.clone();
    float[] always = original.clone();
    SplittableRandom random = new SplittableRandom(1);

    for (int i = 0; i < 5; i++) {
      new RandomHorizontalFlip(0).apply(never, 0, CIFAR, random);
    }
    new RandomHorizontalFlip(1).apply(always, 0, CIFAR, random);

    assertArrayEquals(original, never);
    assertArrayEquals(mirrored(original, CIFAR), always);
  }

  @Test
  void flipWithHalfProbabilityMirrorsAboutHalfTheImages() {
    float[] original = distinctImage(CIFAR);
    float[] flipped = mirrored(original, CIFAR);
    RandomHorizontalFlip flip = new RandomHorizontalFlip(0.5);
    SplittableRandom random = new SplittableRandom(3);
    int mirrors = 0;
    for (int i = 0; i < 1000; i++) {
      float[] image = original.clone();
      flip.apply(image, 0, CIFAR, random);
      if (Arrays.equals(image, flipped)) {
        mirrors++;
      } else {
        assertArrayEquals(original, image, "an image is either mirrored or untouched");
      }
    }
    assertTrue(mirrors > 430 && mirrors < 570, "mirrored " + mirrors + " of 1000");
  }

  @Test
  void shiftMatchesPaddingThenCroppingForEveryOffset() {
    float[] original = distinctImage(CIFAR);
    for (int dy = -4; dy <= 4; dy++) {
      for (int dx = -4; dx <= 4; dx++) {
        float[] image = original.clone();

        RandomCropWithPadding.shift(image, 0, CIFAR, dy, dx);

        assertArrayEquals(padAndCrop(original, CIFAR, 4, dy, dx), image, "dy=" + dy + " dx=" + dx);
      }
    }
  }

  @Test
  void shiftFillsTheUncoveredBorderWithZeros() {
    float[] image = distinctImage(CIFAR);

    RandomCropWithPadding.shift(
        image, 0, CIFAR, -4, 3); // content moves down 4 rows and left 3 columns

    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          boolean uncovered = y < 4 || x >= 29;
          float value = image[(c * 32 + y) * 32 + x];
          assertEquals(
              uncovered, value == 0f, "c=" + c + " y=" + y + " x=" + x + " value=" + value);
        }
      }
    }
  }

  @Test
  void randomCropShiftsByAtMostFourAndReachesEveryOffset() {
    float[] original = distinctImage(CIFAR);
    RandomCropWithPadding crop = new RandomCropWithPadding(4);
    SplittableRandom random = new SplittableRandom(11);
    Set<String> seen = new HashSet<>();
    for (int trial = 0; trial < 2000; trial++) {
      float[] image = original.clone();
      crop.apply(image, 0, CIFAR, random);
      String offset = matchingOffset(original, image, 4);
      assertNotNull(offset, "trial " + trial + " is not a shift by at most 4 with zero fill");
      seen.add(offset);
    }
    assertEquals(81, seen.size(), "offsets seen: " + seen);
  }

  @Test
  void augmentationTouchesOnlyItsImageInABatchArray() {
    float[] batch = new float[3 * CIFAR.size()];
    Arrays.fill(batch, 0.5f);

    ImageAugmentation.standardCifar().apply(batch, CIFAR.size(), CIFAR, new SplittableRandom(5));

    for (int i = 0; i < CIFAR.size(); i++) {
      assertEquals(0.5f, batch[i]);
      assertEquals(0.5f, batch[2 * CIFAR.size() + i]);
    }
  }

  @Test
  void standardCifarIsReproducibleForASeedAndVariesAcrossSeeds() {
    float[] original = distinctImage(CIFAR);
    float[] first = original.clone();
    float[] second = original.clone();
    Set<String> outcomes = new HashSet<>();

    ImageAugmentation.standardCifar().apply(first, 0, CIFAR, new SplittableRandom(99));
    ImageAugmentation.standardCifar().apply(second, 0, CIFAR, new SplittableRandom(99));
    for (long seed = 0; seed < 50; seed++) {
      float[] image = original.clone();
      ImageAugmentation.standardCifar().apply(image, 0, CIFAR, new SplittableRandom(seed));
      outcomes.add(Arrays.toString(image));
      assertTrue(
          matchingOffset(original, image, 4) != null
              || matchingOffset(mirrored(original, CIFAR), image, 4) != null,
          "seed " + seed);
    }

    assertArrayEquals(first, second);
    assertTrue(outcomes.size() > 20, "only " + outcomes.size() + " distinct outcomes of 50");
    assertFalse(Arrays.equals(original, first) && outcomes.size() == 1);
  }

  /**
   * The "dy,dx" with |dy|, |dx| <= padding that turns {@code original} into {@code image}, or null.
   * The candidate offset is read off the centre pixel (all values of {@code original} are
   * distinct), then the whole image is compared with the padded-and-cropped reference.
   */
  private static String matchingOffset(float[] original, float[] image, int padding) {
    int centre = 16 * 32 + 16;
    int source = -1;
    for (int i = 0; i < 32 * 32; i++) {
      if (original[i] == image[centre]) {
        source = i;
      }
    }
    if (source < 0) {
      return null;
    }
    int dy = source / 32 - 16;
    int dx = source % 32 - 16;
    boolean withinPadding = Math.abs(dy) <= padding && Math.abs(dx) <= padding;
    return withinPadding && Arrays.equals(padAndCrop(original, CIFAR, padding, dy, dx), image)
        ? dy + "," + dx
        : null;
  }
}
