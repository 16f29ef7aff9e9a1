package dev.arrest.tradeoff;

import java.util.List;
import java.util.Objects;

/**
 * A named set of reference points, such as a shipped RobustBench extract or a team's own baselines.
 *
 * @param name how scores name the reference, e.g. "cifar10-linf-8255-wrn34"
 * @param points all points, including any left out of the fit
 */
public record ReferenceSet(String name, List<ReferencePoint> points) {

  public ReferenceSet {
    Objects.requireNonNull(name, "name");
    points = List.copyOf(points);
  }

  /**
   * The points the curve is fitted to: all but those with 0 % robust accuracy. An undefended model
   * is the tradeoff's trivial endpoint, far from the cluster of robust methods; a single such point
   * dominates a low-degree fit (on "cifar10-linf-8255" it makes the quadratic rise at the cluster).
   * It stays in {@link #points()} for plots; fit {@code points()} directly to include it.
   */
  public List<ReferencePoint> fittingPoints() {
    return points.stream().filter(point -> point.robustAccuracy() > 0).toList();
  }

  public TradeoffCurve fitCurve(int degree) {
    return TradeoffCurve.fit(name, fittingPoints(), degree);
  }

  public TradeoffCurve fitCurve() {
    return fitCurve(TradeoffCurve.DEFAULT_DEGREE);
  }
}
