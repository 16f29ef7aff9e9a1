package dev.arrest.tradeoff;

import dev.arrest.api.v1alpha1.TradeoffPointSpec;
import dev.arrest.api.v1alpha1.TradeoffSpec;

/**
 * Turns a spec's {@code evaluation.tradeoff} into a fitted reference curve; used by the validator
 * and the stages.
 */
public final class TradeoffReferences {
  private TradeoffReferences() {}

  private static final String FIELD = "spec.evaluation.tradeoff";

  /** The reference points the spec names: a shipped set or its inline points. */
  public static ReferenceSet referenceSet(TradeoffSpec spec) {
    if (spec.fromSweepMethods != null) {
      throw new IllegalArgumentException(
          FIELD
              + ".fromSweepMethods: the reference is fitted to the sweep's own"
              + " points once they are evaluated (SweepScoring), not known up front");
    }
    if ((spec.reference == null) == (spec.points == null)) {
      throw new IllegalArgumentException(
          FIELD
              + ": give exactly one of reference (one of "
              + ReferenceSets.names()
              + "), points or fromSweepMethods");
    }
    try {
      if (spec.reference != null) {
        return ReferenceSets.load(spec.reference);
      }
      return new ReferenceSet(
          "inline", spec.points.stream().map(TradeoffReferences::point).toList());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(FIELD + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fits the curve the spec asks for; throws IllegalArgumentException naming the field when it
   * cannot.
   */
  public static TradeoffCurve curve(TradeoffSpec spec) {
    ReferenceSet set = referenceSet(spec);
    try {
      return set.fitCurve(spec.degree, spec.fit);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(FIELD + ": " + e.getMessage(), e);
    }
  }

  private static ReferencePoint point(TradeoffPointSpec p) {
    return new ReferencePoint(p.method, p.standardAccuracy, p.robustAccuracy, p.source);
  }
}
