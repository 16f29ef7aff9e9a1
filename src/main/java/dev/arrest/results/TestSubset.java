package dev.arrest.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;

/**
 * Which test images an evaluation used.
 *
 * @param selection {@code all}, {@code first} (the first ones in test-set order) or {@code
 *     stratified} (a seeded random sample with every class in its test-set proportion)
 * @param testSetSize the number of images in the whole test set
 * @param seed the stratified sample's seed; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TestSubset(String selection, int testSetSize, Long seed) {
  public static final String ALL = "all";
  public static final String FIRST = "first";
  public static final String STRATIFIED = "stratified";

  /**
   * How many images an evaluation used and which, e.g. "1000 test images (a class-stratified random
   * sample of 10000, seed 0)"; just the count when {@code subset} was not recorded.
   */
  public static String describeImages(int samples, TestSubset subset) {
    return samples + " test images" + (subset == null ? "" : " (" + subset.describe(samples) + ")");
  }

  /** How a report names the images, e.g. "a class-stratified sample of 10000, seed 0". */
  public String describe(int samples) {
    return switch (selection) {
      case FIRST -> String.format(Locale.ROOT, "the first %d of %d", samples, testSetSize);
      case STRATIFIED ->
          String.format(
              Locale.ROOT, "a class-stratified random sample of %d, seed %d", testSetSize, seed);
      default -> String.format(Locale.ROOT, "all %d", testSetSize);
    };
  }
}
