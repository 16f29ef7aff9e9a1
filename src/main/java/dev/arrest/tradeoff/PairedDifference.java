package dev.arrest.tradeoff;

import java.util.Locale;

/**
 * The difference between two models' accuracies measured on the same examples, first minus second,
 * in percentage points, with its 95 % interval for paired data (Newcombe 1998, "Improved confidence
 * intervals for the difference between binomial proportions based on paired data", Stat. Med. 17,
 * method 10: the two Wilson intervals combined with the models' correlation, its φ continuity
 * corrected, as in Altman et al., "Statistics with Confidence", 2nd ed., 2000, ch. 6). Two models
 * evaluated on the same test images mostly agree, so this interval is much narrower than two
 * separate Wilson intervals suggest: only the examples one gets right and the other wrong carry the
 * difference.
 *
 * @param difference first minus second accuracy, in percentage points
 * @param interval its 95 % interval, in percentage points
 * @param onlyFirst examples only the first model got right
 * @param onlySecond examples only the second model got right
 * @param samples examples compared
 */
public record PairedDifference(
    double difference, Interval interval, int onlyFirst, int onlySecond, int samples) {

  /** The paired difference of two models' outcomes on the same examples, in the same order. */
  public static PairedDifference of(boolean[] first, boolean[] second) {
    if (first.length != second.length || first.length == 0) {
      throw new IllegalArgumentException(
          "a paired difference needs outcomes of the same examples, got "
              + first.length
              + " and "
              + second.length);
    }
    int both = 0;
    int onlyFirst = 0;
    int onlySecond = 0;
    for (int i = 0; i < first.length; i++) {
      if (first[i] && second[i]) {
        both++;
      } else if (first[i]) {
        onlyFirst++;
      } else if (second[i]) {
        onlySecond++;
      }
    }
    return of(both, onlyFirst, onlySecond, first.length - both - onlyFirst - onlySecond);
  }

  /**
   * From the paired 2×2 table: examples both models got right, only the first, only the second,
   * neither.
   */
  public static PairedDifference of(int both, int onlyFirst, int onlySecond, int neither) {
    int n = both + onlyFirst + onlySecond + neither;
    if (n < 1 || Math.min(Math.min(both, onlyFirst), Math.min(onlySecond, neither)) < 0) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "a paired 2x2 table needs non-negative counts and at least one example, got %d %d"
                  + " %d %d",
              both,
              onlyFirst,
              onlySecond,
              neither));
    }
    double p1 = (double) (both + onlyFirst) / n;
    double p2 = (double) (both + onlySecond) / n;
    Interval w1 = ConfidenceIntervals.wilson(100 * p1, n);
    Interval w2 = ConfidenceIntervals.wilson(100 * p2, n);
    double l1 = w1.from() / 100;
    double u1 = w1.to() / 100;
    double l2 = w2.from() / 100;
    double u2 = w2.to() / 100;
    double phi = correlation(both, onlyFirst, onlySecond, neither);
    double d = p1 - p2;
    double below =
        Math.sqrt(Math.max(0, sq(p1 - l1) - 2 * phi * (p1 - l1) * (u2 - p2) + sq(u2 - p2)));
    double above =
        Math.sqrt(Math.max(0, sq(p2 - l2) - 2 * phi * (p2 - l2) * (u1 - p1) + sq(u1 - p1)));
    return new PairedDifference(
        100 * d,
        new Interval(100 * Math.max(-1, d - below), 100 * Math.min(1, d + above)),
        onlyFirst,
        onlySecond,
        n);
  }

  /** Whether the interval excludes 0: the data decide which model is more accurate. */
  public boolean decided() {
    return interval.from() > 0 || interval.to() < 0;
  }

  /** E.g. "+1.20 pp [+0.45, +1.96] (61 vs 49 of 10000)". */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%+.2f pp [%+.2f, %+.2f] (%d vs %d of %d)",
        difference,
        interval.from(),
        interval.to(),
        onlyFirst,
        onlySecond,
        samples);
  }

  /**
   * The phi coefficient of the two models' outcomes, continuity corrected as in Newcombe's method
   * 10: ad - bc is reduced by n/2 when above it, set to 0 between 0 and n/2, kept when negative.
   */
  private static double correlation(int a, int b, int c, int d) {
    double n = a + b + c + d;
    double margins = (double) (a + b) * (c + d) * (a + c) * (b + d);
    if (margins == 0) {
      return 0;
    }
    double cross = (double) a * d - (double) b * c;
    double corrected = cross > n / 2 ? cross - n / 2 : cross < 0 ? cross : 0;
    return corrected / Math.sqrt(margins);
  }

  private static double sq(double x) {
    return x * x;
  }
}
