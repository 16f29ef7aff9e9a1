package dev.arrest.tradeoff;

import dev.arrest.api.v1alpha1.TradeoffPointSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;
import java.util.List;

/** Turns a spec's {@code evaluation.tradeoff} into a fitted reference curve; used by the validator and the stages. */
public final class TradeoffReferences {
  private TradeoffReferences() {}

  /** Fits the curve the spec asks for; throws IllegalArgumentException naming the field when it cannot. */
  public static TradeoffCurve curve(TradeoffSpec spec) {
    String field = "spec.evaluation.tradeoff";
    if ((spec.reference == null) == (spec.points == null)) {
      throw new IllegalArgumentException(field + ": give exactly one of reference (one of "
          + ReferenceSets.names() + ") or points");
    }
    try {
      if (spec.reference != null) {
        return ReferenceSets.load(spec.reference).fitCurve(spec.degree);
      }
      List<ReferencePoint> points = spec.points.stream().map(TradeoffReferences::point).toList();
      return new ReferenceSet("inline", points).fitCurve(spec.degree);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  private static ReferencePoint point(TradeoffPointSpec p) {
    return new ReferencePoint(p.method, p.standardAccuracy, p.robustAccuracy, p.source);
  }
}
