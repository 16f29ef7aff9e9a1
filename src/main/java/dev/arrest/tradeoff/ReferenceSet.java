package dev.arrest.tradeoff;

import dev.arrest.api.v1alpha1.ReferenceFit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

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
    return fittingPoints(ReferenceFit.ALL);
  }

  /**
   * The points a curve of the given kind is fitted to: as {@link #fittingPoints()}, and with {@link
   * ReferenceFit#FRONTIER} only those no other fitting point dominates.
   */
  public List<ReferencePoint> fittingPoints(ReferenceFit fit) {
    return select(fit).fitted();
  }

  /**
   * One sentence per point left out of a curve of the given kind, saying why, e.g. {@code "TRADES
   * (79.31 % / 71.12 %): dominated by AT (84.85 % / 78.03 %)"}; in the order of {@link #points()}.
   */
  public List<String> leftOutOfFit(ReferenceFit fit) {
    return select(fit).leftOut();
  }

  /**
   * Fits the curve to {@link #fittingPoints(ReferenceFit)}; the points left out are recorded in it.
   * A failed frontier fit names the dominated points, as they are why too few points remained.
   */
  public TradeoffCurve fitCurve(int degree, ReferenceFit fit) {
    Selection selection = select(fit);
    try {
      return TradeoffCurve.fit(name, selection.fitted(), degree)
          .withLeftOutPoints(selection.leftOut());
    } catch (IllegalArgumentException e) {
      if (fit != ReferenceFit.FRONTIER || selection.leftOut().isEmpty()) {
        throw e;
      }
      throw new IllegalArgumentException(
          e.getMessage()
              + " (fit: frontier fitted "
              + selection.fitted().size()
              + " of "
              + points.size()
              + " points, leaving out "
              + String.join("; ", selection.leftOut())
              + ")",
          e);
    }
  }

  /**
   * All points as a plane draws them: each one a curve of the given kind leaves out has "(not
   * fitted)" after its method, so that the plot shows which points the curve follows.
   */
  public List<ReferencePoint> pointsMarkingThoseNotFitted(ReferenceFit fit) {
    List<ReferencePoint> fitted = fittingPoints(fit);
    return points.stream()
        .map(
            point ->
                fitted.contains(point)
                    ? point
                    : new ReferencePoint(
                        point.method() + " (not fitted)",
                        point.standardAccuracy(),
                        point.robustAccuracy(),
                        point.source(),
                        point.intervals()))
        .toList();
  }

  public TradeoffCurve fitCurve(int degree) {
    return fitCurve(degree, ReferenceFit.ALL);
  }

  public TradeoffCurve fitCurve() {
    return fitCurve(TradeoffCurve.DEFAULT_DEGREE);
  }

  private record Selection(List<ReferencePoint> fitted, List<String> leftOut) {}

  private Selection select(ReferenceFit fit) {
    Objects.requireNonNull(fit, "fit");
    List<ReferencePoint> defended =
        points.stream().filter(point -> point.robustAccuracy() > 0).toList();
    List<ReferencePoint> fitted = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (ReferencePoint point : points) {
      if (point.robustAccuracy() <= 0) {
        leftOut.add(describe(point) + ": 0 % robust accuracy, an undefended model");
        continue;
      }
      List<ReferencePoint> dominating =
          fit == ReferenceFit.FRONTIER
              ? defended.stream().filter(other -> dominates(other, point)).toList()
              : List.of();
      if (dominating.isEmpty()) {
        fitted.add(point);
      } else {
        leftOut.add(
            describe(point)
                + ": dominated by "
                + dominating.stream()
                    .map(ReferenceSet::describe)
                    .collect(Collectors.joining(", ")));
      }
    }
    return new Selection(fitted, leftOut);
  }

  /** At least as accurate and as robust, and more of one: a decreasing curve cannot pass both. */
  private static boolean dominates(ReferencePoint a, ReferencePoint b) {
    boolean noWorse =
        a.standardAccuracy() >= b.standardAccuracy() && a.robustAccuracy() >= b.robustAccuracy();
    boolean better =
        a.standardAccuracy() > b.standardAccuracy() || a.robustAccuracy() > b.robustAccuracy();
    return noWorse && better;
  }

  private static String describe(ReferencePoint point) {
    return String.format(
        Locale.ROOT,
        "%s (%.2f %% / %.2f %%)",
        point.method(),
        point.standardAccuracy(),
        point.robustAccuracy());
  }
}
