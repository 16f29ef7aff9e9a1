package dev.arrest.tradeoff;

import java.util.Locale;

/** A closed interval [from, to] of accuracies in percent. */
public record Interval(double from, double to) {

  public Interval {
    if (!(from <= to)) {
      throw new IllegalArgumentException(
          "interval needs from <= to, got [" + from + ", " + to + "]");
    }
  }

  public double width() {
    return to - from;
  }

  public boolean contains(double value) {
    return value >= from && value <= to;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "[%.2f, %.2f] %%", from, to);
  }
}
