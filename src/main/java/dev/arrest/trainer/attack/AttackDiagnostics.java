package dev.arrest.trainer.attack;

import java.util.BitSet;

/**
 * Symptoms an attack observes that make a gradient-based evaluation unreliable. Currently: examples
 * whose input gradient is exactly zero at an attack's starting point (as the reference code's
 * check_zero_gradients reports).
 */
public final class AttackDiagnostics {
  private final BitSet zeroGradientExamples = new BitSet();

  public synchronized void zeroGradient(int exampleId) {
    zeroGradientExamples.set(exampleId);
  }

  /** Distinct examples seen with a zero input gradient. */
  public synchronized int zeroGradientExamples() {
    return zeroGradientExamples.cardinality();
  }
}
