package dev.arrest.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConfidenceIntervalsTest {

  @Test
  void wilsonIntervalMatchesHandComputedValues() {
    // p = 0.5, n = 100: center 0.5, half-width 1.96 * sqrt(0.0025 + 0.000096) / 1.0384 = 0.0962.
    Interval half = ConfidenceIntervals.wilson(50, 100);
    assertEquals(40.38, half.from(), 1e-2);
    assertEquals(59.62, half.to(), 1e-2);
    // p = 0 keeps a non-empty interval above 0 (the reason to prefer Wilson to the normal one).
    Interval zero = ConfidenceIntervals.wilson(0, 200);
    assertEquals(0, zero.from(), 1e-10);
    assertEquals(1.88, zero.to(), 1e-2);
    Interval all = ConfidenceIntervals.wilson(100, 200);
    assertEquals(100, all.to(), 1e-10);
    assertEquals(98.12, all.from(), 1e-2);
  }

  @Test
  void bothAccuraciesOfAPointShareItsSampleSize() {
    ConfidenceIntervals intervals = ConfidenceIntervals.wilson(83, 70, 200);

    assertEquals(ConfidenceIntervals.wilson(83, 200), intervals.standard());
    assertEquals(ConfidenceIntervals.wilson(70, 200), intervals.robust());
    assertThrows(IllegalArgumentException.class, () -> ConfidenceIntervals.wilson(50, 0));
    assertThrows(IllegalArgumentException.class, () -> ConfidenceIntervals.wilson(0.5e3, 10));
  }
}
