package dev.arrest.tradeoff;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/** Builders for synthetic reference points and runs. */
final class TestPoints {

  private TestPoints() {}

  static ReferencePoint point(double standard, double robust) {
    return new ReferencePoint("m" + standard, standard, robust, "synthetic");
  }

  static List<ReferencePoint> points(double[][] standardRobust) {
    List<ReferencePoint> points = new ArrayList<>();
    for (double[] pair : standardRobust) {
      points.add(point(pair[0], pair[1]));
    }
    return points;
  }

  static List<ReferencePoint> sampled(DoubleUnaryOperator curve, double... standard) {
    List<ReferencePoint> points = new ArrayList<>();
    for (double x : standard) {
      points.add(point(x, curve.applyAsDouble(x)));
    }
    return points;
  }

  static List<RunPoint> runs(DoubleUnaryOperator curve, double... standard) {
    List<RunPoint> runs = new ArrayList<>();
    for (double x : standard) {
      runs.add(new RunPoint("run" + x, x, curve.applyAsDouble(x)));
    }
    return runs;
  }
}
